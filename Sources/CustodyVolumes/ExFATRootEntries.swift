/// What the root directory of an exFAT volume says about the volume: its allocation
/// bitmap, up-case table and label.
struct ExFATRootEntries {
    var bitmap: ExFATBitmap?
    var upcase: ExFATUpcase?
    var label: String?
    var problems: [VolumeProblem] = []

    static func scan(clusters: FileClusters, rootCluster: UInt32, activeFAT: UInt64) -> ExFATRootEntries {
        var found = ExFATRootEntries()
        let name = clusters.heap.device.name
        var sawBitmap = false
        var sawUpcase = false
        do throws(VolumeError) {
            let chain = try ClusterChain(fat: clusters.fat, first: rootCluster, expected: nil,
                                         maximum: max(1, ExFATVolume.maximumDirectoryBytes / clusters.heap.clusterSize),
                                         subject: "the root directory", path: "")
            var stream = DirectoryStream(device: clusters.heap.device, source: .clusters(ClusterSource(chain: chain), heap: clusters.heap),
                                         byteLimit: ExFATVolume.maximumDirectoryBytes, subject: "the root directory", path: "")
            var visited: Set<UInt32> = []
            while let offset = try stream.next(visited: &visited) {
                let entry = stream.chunk
                let type = entry[offset]
                if type == 0x00 { break }
                switch type {
                case 0x81 where UInt64(entry[offset + 1] & 1) == activeFAT && !sawBitmap:
                    sawBitmap = true
                    do throws(VolumeError) {
                        found.bitmap = try ExFATBitmap.load(entry: entry, at: offset, clusters: clusters)
                    } catch {
                        found.problems.append(VolumeError(.exfatBitmapInvalid, error.message))
                    }
                case 0x82 where !sawUpcase:
                    sawUpcase = true
                    do throws(VolumeError) {
                        found.upcase = try ExFATUpcase.load(entry: entry, at: offset, clusters: clusters)
                    } catch {
                        found.problems.append(VolumeError(.exfatUpcaseInvalid, "\(error.message); name hashes are not checked"))
                    }
                case 0x83 where found.label == nil:
                    let count = min(Int(entry[offset + 1]), 11)
                    if count > 0 {
                        found.label = MediaText.escaped(entry.utf16Units(at: offset + 2, count: count))
                    }
                default:
                    break
                }
                if sawBitmap && sawUpcase && found.label != nil { break }
            }
        } catch {
            found.problems.append(error)
        }
        if !sawBitmap {
            found.problems.append(VolumeError(.exfatBitmapInvalid, "\(name): the root directory has no allocation bitmap entry; cluster allocation is not checked"))
        }
        if !sawUpcase {
            found.problems.append(VolumeError(.exfatUpcaseInvalid, "\(name): the root directory has no up-case table entry; name hashes are not checked"))
        }
        return found
    }
}
