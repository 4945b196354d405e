import ArgumentParser
import FlowtuneCore
import FlowtuneStore

extension SQLiteEventStore {
    /// The workspace a command reads from the store at `path`: the one named, or the only one.
    ///
    /// - Parameter hint: where the user names a workspace, for the error when the store holds
    ///   several, such as `--workspace` or `replay.workspace`.
    func chosenWorkspace(_ workspace: String?, path: String, hint: String) async throws -> WorkspaceID {
        let workspaces = try await workspaces()
        if let workspace {
            let name = WorkspaceID(workspace)
            guard workspaces.contains(name) else {
                throw ValidationError("\(path): no workspace \(workspace); it has \(workspaces.map(\.rawValue).joined(separator: ", "))")
            }
            return name
        }
        guard workspaces.count == 1 else {
            throw ValidationError(
                "\(path) holds \(workspaces.count) workspaces (\(workspaces.map(\.rawValue).joined(separator: ", "))); name one under \(hint)")
        }
        return workspaces[0]
    }
}
