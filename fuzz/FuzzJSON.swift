// libFuzzer entry point for the event-detail JSON reader of CustodyModel (JSONValue.parse, which
// reads every event's detail during verification). The input bytes are a JSON text.
// Besides any trap, hang or runaway allocation, a finding is a value that does not
// survive the protocol's own encoder: whatever the reader accepts and the encoder can
// write (finite numbers) must read back as the same value.
//
// Built by scripts/fuzz.sh together with Sources/CustodyModel/JSON and the protocol's encoder as one module:
//   swiftc -sanitize=fuzzer,address -parse-as-library -O Sources/CustodyModel/JSON/*.swift \
//     Sources/CustodyProtocol/WireCoding.swift fuzz/FuzzJSON.swift
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let value = try? JSONValue.parse(text) else { return 0 }
    _ = value.description
    guard let encoded = try? Wire.encoder().encode(value) else { return 0 }  // a non-finite number
    let again: JSONValue
    do {
        again = try JSONValue.parse(String(decoding: encoded, as: UTF8.self))
    } catch {
        fatalError("the reader refuses what the encoder wrote from its own value: \(error)")
    }
    precondition(again == value, "a value changed through the encoder and back")
    return 0
}
