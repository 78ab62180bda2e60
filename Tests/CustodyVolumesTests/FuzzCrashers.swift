// Crashing inputs scripts/fuzz.sh found, fixed, and kept (made with
// `scripts/fuzz.sh --regression CRASH-FILE`).
enum FuzzCrashers {
    static let all: [FuzzInput] = []
}
