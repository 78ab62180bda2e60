import CustodyModel

// Items, jobs and custody events as the protocol shows them.

extension ItemDTO {
    public init(_ item: Item) {
        self.init(id: item.id, sha256: item.sha256, size: item.size, mediaType: item.mediaType, container: item.container,
                  recordedAt: item.recordedAt, recordedAtSource: item.recordedAtSource, utcOffsetSeconds: item.utcOffsetSeconds,
                  durationSeconds: item.durationSeconds, ingestedAt: item.ingestedAt, source: ItemSourceDTO(item.source),
                  tags: TagsDTO(item.tags), jobId: item.jobId, metadataProblems: item.metadataProblems, fileModifiedAt: item.fileModifiedAt,
                  clockOffsetSeconds: item.clockOffsetSeconds, correctedRecordedAt: item.correctedRecordedAt, notes: item.notes,
                  deletedAt: item.deletedAt, recordedAtImplausible: item.recordedAtImplausible)
    }
}

extension ItemSourceDTO {
    public init(_ source: ItemSource) { self.init(device: source.device, path: source.path, root: source.root) }
}

extension TagsDTO {
    public init(_ tags: ItemTags) {
        self.init(officer: tags.officer, hearing: tags.hearing, case: tags.case, category: tags.category, courtroom: tags.courtroom)
    }
}

extension ItemListDTO {
    public init(_ page: ItemPage) { self.init(items: page.items.map(ItemDTO.init), total: page.total, limit: page.limit, offset: page.offset) }
}

extension JobDTO {
    public init(_ job: Job) {
        self.init(id: job.id, state: job.state, root: job.root, device: job.device, requestedBy: CallerDTO(job.requestedBy),
                  createdAt: job.createdAt, finishedAt: job.finishedAt, totalFiles: job.totalFiles, stored: job.stored,
                  duplicates: job.duplicates, failed: job.failed, pending: job.pending, bytesStored: job.bytesStored,
                  errors: job.errors.map(JobErrorDTO.init), files: job.files?.map(JobFileDTO.init), message: job.message)
    }
}

extension CallerDTO {
    public init(_ requester: Requester) { self.init(uid: requester.uid, name: requester.name, roles: requester.roles) }
}

extension JobErrorDTO {
    public init(_ failed: FailedFile) { self.init(path: failed.path, message: failed.message) }
}

extension JobFileDTO {
    public init(_ file: JobFile) {
        self.init(path: file.path, size: file.size, state: file.state, itemId: file.itemId, sha256: file.sha256, message: file.message)
    }
}

extension EventDTO {
    public init(_ event: CustodyEvent) {
        self.init(seq: event.seq, time: event.time, actor: ActorDTO(event.actor), action: event.action, subject: event.subject,
                  outcome: event.outcome, detail: event.detail)
    }
}

extension ActorDTO {
    public init(_ author: Author) { self.init(uid: author.uid, name: author.name) }
}
