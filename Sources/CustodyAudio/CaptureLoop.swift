import Foundation

/// The body of a session's capture thread: open the PCM, then read, meter and
/// write until the duration is reached, a stop is asked for, or a fault.
///
/// Frames are numbered from 0 (the first captured frame). A segment holds
/// exactly ``CaptureConfiguration/segmentFrames`` frames (the last one may hold
/// fewer): reads are sized so that none crosses a segment boundary or the
/// duration limit, so no frame is lost or written twice at a boundary and no
/// frame past the limit is read.
final class CaptureLoop {
    private let configuration: CaptureConfiguration
    private let source: any PCMSource
    private let shared: CaptureSessionShared
    private let format: PCMStreamFormat
    private let sessionReference = SegmentNaming.newSessionReference()

    private var framesCaptured: UInt64 = 0
    /// Frames known to be lost so far (gaps of known length).
    private var framesLost: UInt64 = 0
    private var gapsOfUnknownLength = 0
    /// The first frame's time, in samples since the Unix epoch.
    private var startSample: UInt64 = 0
    private var segment: OpenSegment?
    private var nextSequence = 1
    private var segmentsClosed = 0
    private var gapsBeforeNextSegment: [CaptureGap] = []

    private var meter: LevelMeter
    private var silence: SilenceDetector
    private var windowFrames: UInt64 = 0
    private var alarms = AlarmBook()
    private var waitedMilliseconds = 0

    /// The segment being written.
    private struct OpenSegment {
        var sequence: Int
        var path: String
        var writer: BWFWriter
        var firstFrame: UInt64
        var frames: UInt64 = 0
        var firstSampleTime: Date
        var fields: BroadcastExtensionFields
        var gaps: [CaptureGap]
        var statistics: LevelStatistics
    }

    init(configuration: CaptureConfiguration, source: any PCMSource, shared: CaptureSessionShared) {
        self.configuration = configuration
        self.source = source
        self.shared = shared
        format = configuration.format
        meter = LevelMeter(format: format.sampleFormat, channels: format.channels)
        silence = SilenceDetector(channels: format.channels, format: format.sampleFormat,
                                  thresholdDBFS: configuration.silenceThresholdDBFS,
                                  silenceFrames: configuration.silenceAlarmFrames)
    }

    /// Runs the session to its end and returns how it ended (``CaptureEvent/stopped(_:)`` emitted).
    func run() -> CaptureStop {
        shared.status.withLock { $0.state = .opening }
        guard let granted = openPCM() else {
            source.close()
            return stop(.fault)
        }
        let capacity = Self.readFrames(granted)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * format.bytesPerFrame, alignment: 16)
        // Zeroed: a PCM that reports frames without filling them (ALSA's `null`) yields silence, never stale memory.
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        defer { buffer.deallocate() }

        var reason = CaptureStop.Reason.stopRequested
        capture: while true {
            if shared.isStopRequested { break }
            var wanted = UInt64(capacity)
            if let limit = configuration.durationLimitFrames {
                guard framesCaptured < limit else {
                    reason = .durationReached
                    break
                }
                wanted = min(wanted, limit - framesCaptured)
            }
            wanted = min(wanted, configuration.segmentFrames - (segment?.frames ?? 0))
            let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(wanted) * format.bytesPerFrame])
            do {
                switch try source.read(into: slice, timeoutMilliseconds: configuration.readTimeoutMilliseconds) {
                case .frames(let count) where count > 0:
                    try take(UnsafeRawBufferPointer(rebasing: slice[0..<count * format.bytesPerFrame]), frames: count)
                case .frames:
                    continue
                case .timedOut:
                    nothingArrived()
                case .recovered(let gap):
                    record(gap)
                }
            } catch let error as ALSAError {
                fault(.pcmRead, call: error.call, errorCode: error.code, path: nil,
                      message: "the PCM failed while recording: \(error)")
                reason = .fault
                break capture
            } catch let error as BWFError {
                fault(.segmentWrite, call: error.call, errorCode: error.errno, path: error.path,
                      message: "the segment cannot be written: \(error)")
                reason = .fault
                break capture
            } catch {
                fault(.segmentWrite, call: nil, errorCode: nil, path: segment?.path, message: "\(error)")
                reason = .fault
                break capture
            }
        }
        do throws(BWFError) {
            try closeSegment()
        } catch {
            fault(.segmentWrite, call: error.call, errorCode: error.errno, path: error.path,
                  message: "the last segment cannot be finished: \(error)")
            reason = .fault
        }
        source.close()
        return stop(reason)
    }

    /// Bytes one read asks for at most: small enough that they stay in the CPU's
    /// cache while they are copied, metered and written (larger reads measurably
    /// cost more kernel time per byte), and never less than a period.
    static let readBytes = 128 * 1024

    /// Frames one read asks for at most: a period or more, up to ``readBytes``, within the buffer.
    static func readFrames(_ granted: PCMConfiguration) -> Int {
        let byBytes = readBytes / max(1, granted.format.bytesPerFrame)
        return max(1, min(max(granted.bufferFrames, granted.periodFrames), max(granted.periodFrames, byBytes)))
    }

    // MARK: Opening

    /// Validates, opens and starts the PCM; reports a fault and returns nil if it cannot.
    private func openPCM() -> PCMConfiguration? {
        do throws(CaptureConfigurationError) {
            try configuration.validate()
        } catch {
            fault(.invalidConfiguration, call: nil, errorCode: nil, path: nil, message: error.description)
            return nil
        }
        do throws(ALSAError) {
            let granted = try source.open(configuration.request)
            guard granted.format == format else {
                fault(.pcmOpen, call: nil, errorCode: nil, path: nil,
                      message: "the PCM granted \(granted.format) instead of \(format); not recording")
                return nil
            }
            let firstSampleTime = try source.start()
            startSample = BroadcastExtensionFields.samplesSinceEpoch(firstSampleTime, rate: format.rate)
            shared.status.withLock {
                $0.state = .recording
                $0.configuration = granted
                $0.firstSampleTime = firstSampleTime
            }
            shared.emit(.started(CaptureStart(courtroomID: configuration.courtroomID, sessionReference: sessionReference,
                                              configuration: granted, firstSampleTime: firstSampleTime,
                                              firstSample: startSample)))
            return granted
        } catch {
            fault(.pcmOpen, call: error.call, errorCode: error.code, path: nil,
                  message: "cannot record from PCM '\(source.name)': \(error)")
            return nil
        }
    }

    // MARK: Frames

    /// Meters and writes frames that arrived, closing the segment when it is full.
    private func take(_ bytes: UnsafeRawBufferPointer, frames count: Int) throws(BWFError) {
        waitedMilliseconds = 0
        if let alarm = alarms.clear(where: { $0.kind == .noData }, endFrame: framesCaptured, endTime: Date()) {
            alarmChanged(.alarmCleared(alarm))
        }
        if segment == nil { try openSegment() }
        meter.measure(bytes, frames: count, firstFrame: framesCaptured, silence: &silence)
        try segment!.writer.append(bytes)
        framesCaptured += UInt64(count)
        segment!.frames += UInt64(count)
        windowFrames += UInt64(count)
        for transition in silence.finishBlock(endFrame: framesCaptured) {
            silenceChanged(transition)
        }
        var levels: [ChannelLevel]?
        if windowFrames >= configuration.statusWindowFrames {
            let window = meter.takeStatistics()
            segment!.statistics.merge(window)
            levels = window.levels(format: format.sampleFormat, names: configuration.channelNames)
            windowFrames = 0
        }
        let current = segment!
        shared.status.withLock { status in
            status.framesCaptured = framesCaptured
            status.currentSegment = CaptureStatus.CurrentSegment(sequence: current.sequence, path: current.path,
                                                                 firstFrame: current.firstFrame, frames: current.frames)
            if let levels { status.levels = levels }
        }
        if current.frames >= configuration.segmentFrames {
            try closeSegment()
        }
    }

    private func openSegment() throws(BWFError) {
        let sequence = nextSequence
        nextSequence += 1
        let sample = startSample + framesCaptured + framesLost
        let reference = SegmentNaming.originatorReference(session: sessionReference, sequence: sequence)
        let fields = BroadcastExtensionFields(
            description: "Courtroom \(configuration.courtroomID); hearing \(configuration.hearingID); case \(configuration.caseReference)",
            originator: configuration.originator, originatorReference: reference,
            samplesSinceEpoch: sample, format: format)
        let document = IXMLDocument(
            project: configuration.caseReference, scene: configuration.hearingID, take: String(sequence),
            tape: configuration.courtroomID,
            note: "Courtroom \(configuration.courtroomID), PCM \(configuration.pcmName), segment \(sequence), first frame \(framesCaptured)",
            fileUID: reference, sampleRate: format.rate, bitDepth: format.sampleFormat.validBits,
            samplesSinceMidnight: fields.timeReference, tracks: IXMLDocument.tracks(named: configuration.channelNames))
        let name = SegmentNaming.fileName(courtroomID: configuration.courtroomID, fields: fields,
                                          session: sessionReference, sequence: sequence)
        let path = (configuration.outputDirectory as NSString).appendingPathComponent(name)
        let writer = try BWFWriter(path: path, format: format, broadcastExtension: fields, iXML: document,
                                   checkpointFrames: configuration.checkpointFrames,
                                   rf64Threshold: configuration.rf64ThresholdBytes)
        segment = OpenSegment(sequence: sequence, path: path, writer: writer, firstFrame: framesCaptured,
                              firstSampleTime: time(ofSample: sample), fields: fields,
                              gaps: gapsBeforeNextSegment, statistics: LevelStatistics(channels: format.channels))
        gapsBeforeNextSegment = []
    }

    /// Finishes the open segment (if any) and reports it.
    private func closeSegment() throws(BWFError) {
        guard var closing = segment else { return }
        segment = nil
        closing.statistics.merge(meter.takeStatistics())
        windowFrames = 0
        let info = try closing.writer.finish()
        let end = closing.firstFrame + closing.frames
        let summary = SegmentSummary(
            frameCount: closing.frames, gaps: closing.gaps,
            alarms: alarms.alarms(overlapping: closing.firstFrame, end),
            channels: closing.statistics.levels(format: format.sampleFormat, names: configuration.channelNames))
        alarms.forget(endingBefore: end)
        segmentsClosed += 1
        let record = SegmentRecord(sequence: closing.sequence, path: closing.path, firstFrame: closing.firstFrame,
                                   frameCount: closing.frames, firstSampleTime: closing.firstSampleTime,
                                   broadcastExtension: closing.fields, isRF64: info.isRF64, fileBytes: info.fileBytes,
                                   summary: summary)
        shared.status.withLock {
            $0.segmentsClosed = segmentsClosed
            $0.currentSegment = nil
        }
        shared.emit(.segmentClosed(record))
    }

    // MARK: Gaps and alarms

    private func record(_ gap: PCMGap) {
        let captureGap = CaptureGap(frameIndex: framesCaptured, segmentSequence: segment?.sequence ?? nextSequence,
                                    cause: gap.cause, lostFrames: gap.lostFrames, measurement: gap.measurement,
                                    detectedAt: gap.detectedAt)
        if let lost = gap.lostFrames { framesLost += lost } else { gapsOfUnknownLength += 1 }
        if segment != nil { segment!.gaps.append(captureGap) } else { gapsBeforeNextSegment.append(captureGap) }
        shared.status.withLock {
            $0.gaps += 1
            $0.droppedFrames = framesLost
        }
        shared.emit(.gap(captureGap))
    }

    /// A read timed out: after long enough, the PCM is delivering nothing.
    private func nothingArrived() {
        waitedMilliseconds += configuration.readTimeoutMilliseconds
        guard waitedMilliseconds >= configuration.noDataAlarmMilliseconds,
              !alarms.isActive(where: { $0.kind == .noData }) else { return }
        let alarm = alarms.raise(.noData, startFrame: framesCaptured,
                                 startTime: Date().addingTimeInterval(-Double(waitedMilliseconds) / 1000))
        alarmChanged(.alarmRaised(alarm))
    }

    private func silenceChanged(_ transition: SilenceDetector.Transition) {
        switch transition {
        case .raised(let channel, let start):
            let alarm = alarms.raise(.silence, channel: channel + 1, channelName: configuration.channelNames[channel],
                                     startFrame: start, startTime: time(ofFrame: start))
            alarmChanged(.alarmRaised(alarm))
        case .cleared(let channel, let start, let end):
            if let alarm = alarms.clear(where: { $0.kind == .silence && $0.channel == channel + 1 && $0.startFrame == start },
                                        endFrame: end, endTime: time(ofFrame: end)) {
                alarmChanged(.alarmCleared(alarm))
            }
        }
    }

    private func alarmChanged(_ event: CaptureEvent) {
        let active = alarms.active
        shared.status.withLock { $0.activeAlarms = active }
        shared.emit(event)
    }

    // MARK: Ending

    private func fault(_ code: CaptureFault.Code, call: String?, errorCode: Int32?, path: String?, message: String) {
        let fault = CaptureFault(code: code, courtroomID: configuration.courtroomID, pcmName: source.name, call: call,
                                 errorCode: errorCode, path: path, frameIndex: framesCaptured, message: message)
        shared.status.withLock { $0.lastFault = fault }
        shared.emit(.fault(fault))
    }

    /// Closes the alarms still active, publishes the final status and emits `stopped`.
    private func stop(_ reason: CaptureStop.Reason) -> CaptureStop {
        let now = Date()
        for open in alarms.active {
            let endTime = open.kind == .noData ? now : time(ofFrame: framesCaptured)
            if let alarm = alarms.clear(where: { $0.id == open.id }, endFrame: framesCaptured, endTime: endTime,
                                        endedWithSession: true) {
                alarmChanged(.alarmCleared(alarm))
            }
        }
        let result = CaptureStop(reason: reason, framesCaptured: framesCaptured, segments: segmentsClosed,
                                 droppedFrames: framesLost, gapsOfUnknownLength: gapsOfUnknownLength)
        shared.status.withLock { $0.state = reason == .fault ? .faulted : .stopped }
        shared.emit(.stopped(result))
        return result
    }

    /// Wall-clock time of a session frame: the first frame's time plus the frames
    /// captured and known lost before it.
    private func time(ofFrame frame: UInt64) -> Date {
        time(ofSample: startSample + frame + framesLost)
    }

    private func time(ofSample sample: UInt64) -> Date {
        Date(timeIntervalSince1970: Double(sample) / Double(format.rate))
    }
}
