import CustodyProtocol
import Foundation
import Testing

@Suite("The event stream's framing (Server-Sent Events)")
struct EventStreamFramingTests {
    @Test("a message written is read back whole: its kind, id and JSON, whatever lines the JSON has")
    func roundTrip() throws {
        let json = Data("{\n  \"after\": 7\n}".utf8)
        let text = EventStreamFraming.message(.ready, id: 7, json: json)
        #expect(text == "event: ready\nid: 7\ndata: {\ndata:   \"after\": 7\ndata: }\n\n")
        var buffer = Data(text.utf8)
        let message = try #require(EventStreamFraming.take(from: &buffer))
        #expect(message == EventStreamMessage(event: "ready", id: "7", data: "{\n  \"after\": 7\n}"))
        #expect(try message.decode(EventStreamReadyDTO.self) == EventStreamReadyDTO(after: 7))
        #expect(buffer.isEmpty)
    }

    @Test("keep-alive comments are skipped; a message not yet complete stays in the buffer")
    func partial() throws {
        let change = EventStreamFraming.message(.change, json: try Wire.encoder().encode(StateChangeDTO(topic: "devices")))
        let whole = EventStreamFraming.keepAlive + change
        var buffer = Data(whole.utf8.dropLast())
        #expect(EventStreamFraming.take(from: &buffer) == nil, "the blank line that ends it has not arrived")
        buffer.append(Data("\n".utf8))
        let message = try #require(EventStreamFraming.take(from: &buffer))
        #expect(message.event == "change" && message.id == nil)
        #expect(try message.decode(StateChangeDTO.self) == StateChangeDTO(topic: "devices"))
        #expect(EventStreamFraming.take(from: &buffer) == nil && buffer.isEmpty)
    }
}
