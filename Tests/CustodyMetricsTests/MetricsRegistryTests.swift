import Testing
@testable import CustodyMetrics

@Suite("Metrics registry and text exposition 0.0.4")
struct MetricsRegistryTests {
    @Test("families render in registration order with HELP, TYPE and sorted samples")
    func exposition() throws {
        let r = MetricsRegistry()
        let files = r.counter("custody_files_total", help: "Files.", labels: ["outcome"])
        let free = r.gauge("custody_free_bytes", help: "Free bytes.")
        files.increment(by: 2, labels: ["stored"])
        files.increment(labels: ["failed"])
        free.set(1.5e12)
        #expect(try r.exposition() == """
            # HELP custody_files_total Files.
            # TYPE custody_files_total counter
            custody_files_total{outcome="failed"} 1
            custody_files_total{outcome="stored"} 2
            # HELP custody_free_bytes Free bytes.
            # TYPE custody_free_bytes gauge
            custody_free_bytes 1500000000000

            """)
    }

    @Test("an unlabelled family shows zero before it moves; a labelled one shows no samples")
    func zeroes() throws {
        let r = MetricsRegistry()
        _ = r.counter("a_total", help: "A.")
        _ = r.gauge("b", help: "B.", labels: ["x"])
        #expect(try r.exposition() == "# HELP a_total A.\n# TYPE a_total counter\na_total 0\n# HELP b B.\n# TYPE b gauge\n")
    }

    @Test("label values and help text are escaped")
    func escaping() throws {
        let r = MetricsRegistry()
        r.gauge("g", help: "back\\slash\nnew line", labels: ["v"]).set(1, labels: ["a\"b\\c\nd"])
        #expect(try r.exposition() == "# HELP g back\\\\slash\\nnew line\n# TYPE g gauge\ng{v=\"a\\\"b\\\\c\\nd\"} 1\n")
    }

    @Test("values: integers plainly, fractions, infinities and NaN as Prometheus reads them")
    func values() {
        #expect(MetricFamily.format(3) == "3")
        #expect(MetricFamily.format(-2) == "-2")
        #expect(MetricFamily.format(0.25) == "0.25")
        #expect(MetricFamily.format(.infinity) == "+Inf")
        #expect(MetricFamily.format(-.infinity) == "-Inf")
        #expect(MetricFamily.format(.nan) == "NaN")
        #expect(MetricFamily.format(1e300) == "1e+300")
    }

    @Test("a counter never goes down; a gauge does")
    func monotonic() {
        let r = MetricsRegistry()
        let c = r.counter("c_total", help: "C.")
        c.increment(by: 5)
        c.increment(by: -3)
        #expect(c.value() == 5)
        let g = r.gauge("g", help: "G.")
        g.increment(by: 5)
        g.decrement(by: 3)
        #expect(g.value() == 2)
    }

    @Test("registering a name again gives the same family")
    func sameFamily() {
        let r = MetricsRegistry()
        r.counter("x_total", help: "X.", labels: ["k"]).increment(labels: ["a"])
        #expect(r.counter("x_total", help: "X.", labels: ["k"]).value(["a"]) == 1)
    }

    @Test("collectors run before rendering; their error fails it")
    func collectors() throws {
        struct Broken: Error {}
        let r = MetricsRegistry()
        let g = r.gauge("g", help: "G.")
        r.addCollector { g.set(42) }
        #expect(try r.exposition().contains("\ng 42\n"))
        r.addCollector { throw Broken() }
        #expect(throws: Broken.self) { try r.exposition() }
    }

    @Test("replaceAll drops label sets not given")
    func replaceAll() throws {
        let r = MetricsRegistry()
        let g = r.gauge("jobs", help: "J.", labels: ["state"])
        g.set(3, labels: ["old"])
        g.replaceAll([["queued"]: 1, ["running"]: 2])
        #expect(try r.exposition() == "# HELP jobs J.\n# TYPE jobs gauge\njobs{state=\"queued\"} 1\njobs{state=\"running\"} 2\n")
    }

    @Test("audio families exist at zero until capture updates them")
    func audio() throws {
        let r = MetricsRegistry()
        let audio = AudioMetrics(registry: r)
        let text = try r.exposition()
        for name in ["custody_audio_sessions_active 0", "custody_audio_sessions_total 0", "custody_audio_dropped_frames_total 0",
                     "custody_audio_alarms_total 0"] {
            #expect(text.contains("\n\(name)\n"))
        }
        audio.sessionStarted()
        audio.framesDropped(128)
        audio.alarmRaised()
        audio.sessionStarted()
        audio.sessionEnded()
        #expect(audio.sessionsActive.value() == 1 && audio.sessionsStarted.value() == 2)
        #expect(audio.droppedFrames.value() == 128 && audio.alarms.value() == 1)
    }

    @Test("a rate window counts only its last seconds")
    func rateWindow() {
        let w = RateWindow(seconds: 10)
        let t0 = ContinuousClock.now
        w.add(100, weight: 0.5, at: t0)
        w.add(100, weight: 0.5, at: t0 + .seconds(5))
        #expect(w.rate(at: t0 + .seconds(5)) == 20)
        #expect(w.ratePerWeight(at: t0 + .seconds(5)) == 200)
        #expect(w.rate(at: t0 + .seconds(30)) == 0)
        #expect(w.ratePerWeight(at: t0 + .seconds(30)) == 0)
    }
}
