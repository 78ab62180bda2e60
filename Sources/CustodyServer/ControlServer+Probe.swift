import NIOCore
import NIOPosix

extension ControlServer {
    /// True when every event loop of the server runs a task (the watchdog's probe).
    public func eventLoopsAnswer() async -> Bool {
        for loop in eventLoopGroup.makeIterator() {
            do { try await loop.submit {}.get() } catch { return false }
        }
        return true
    }
}
