import CustodyModel

extension DeviceDTO {
    public init(_ dock: Dock) {
        self.init(id: dock.id, vendorId: dock.vendorId, productId: dock.productId, serial: dock.serial, manufacturer: dock.manufacturer,
                  product: dock.product, model: dock.model, kind: dock.kind, driver: dock.driver, state: dock.state, busPath: dock.busPath,
                  blockDevice: dock.blockDevice, alsaCard: dock.alsaCard, dockedAt: dock.dockedAt, undockedAt: dock.undockedAt,
                  jobId: dock.jobId, message: dock.message, waitingSince: dock.waitingSince, slots: dock.slots.map(DeviceSlotDTO.init))
    }
}

extension DeviceSlotDTO {
    public init(_ slot: DockSlot) {
        self.init(slot: slot.slot, blockDevice: slot.blockDevice, state: slot.state, since: slot.since, medium: slot.medium,
                  jobId: slot.jobId, message: slot.message)
    }
}
