import Foundation
import Glibc
import ProcessHygiene
import Testing

/// A descriptor open without close-on-exec in this process must not reach a
/// child started with the hygiene's file actions.
@Test func aChildInheritsNothingAboveStderr() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("hygiene-\(UUID().uuidString)")
    let out = path.path + ".out"
    defer { try? FileManager.default.removeItem(atPath: path.path); try? FileManager.default.removeItem(atPath: out) }
    // Opened without O_CLOEXEC: inherited by default.
    let leaked = open(path.path, O_RDWR | O_CREAT, 0o600)
    #expect(leaked > 2)
    defer { close(leaked) }

    func childSees(_ fd: Int32, hygiene: Bool) throws -> Bool {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if hygiene { ProcessHygiene.closeInheritedDescriptors(&actions) }
        let words = ["/bin/sh", "-c", "test -e /proc/self/fd/\(fd) && echo open || echo closed"]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        #expect(posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ) == 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return try String(contentsOfFile: out, encoding: .utf8).hasPrefix("open")
    }
    // Without it the child sees the descriptor (so the test can fail), with it not.
    #expect(try childSees(leaked, hygiene: false))
    #expect(try !childSees(leaked, hygiene: true))
}

/// Blocking work runs beside the concurrency pool: eight bodies that each
/// block until all eight have started all get there (on the pool, two of
/// them would hold both threads of a 2-core machine and the rest would
/// never start); results and errors come back.
@Test func blockingWorkRunsOnItsOwnThreads() async throws {
    final class Barrier: @unchecked Sendable {
        let condition = NSCondition()
        var arrived = 0
        /// True when `count` bodies were waiting together within 10 s.
        func arriveAndWait(count: Int) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            arrived += 1
            condition.broadcast()
            let deadline = Date(timeIntervalSinceNow: 10)
            while arrived < count { if !condition.wait(until: deadline) { return false } }
            return true
        }
    }
    struct Refused: Error {}
    let barrier = Barrier()
    let total = 8
    let together = try await withThrowingTaskGroup(of: Bool.self) { group in
        for _ in 0..<total {
            group.addTask { try await ProcessHygiene.onOwnThread { barrier.arriveAndWait(count: total) } }
        }
        return try await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(together == Array(repeating: true, count: total))
    #expect(try await ProcessHygiene.onOwnThread { 6 * 7 } == 42)
    await #expect(throws: Refused.self) { try await ProcessHygiene.onOwnThread { throw Refused() } }
}
