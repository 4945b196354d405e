import FlowtuneCore
import Foundation
import NIOCore

extension EventJSON {
    /// Writes the fields of an offer's payload — the task, the worker, when the offer expires and
    /// the routing decision with every candidate's score terms — byte for byte as
    /// `JSONEncoder.api` writes them, and returns true; or writes nothing and returns false when
    /// the decision holds what only the encoder writes exactly (several model versions, whose key
    /// order is the encoder's own, or a score that is not a finite number).
    ///
    /// Every lifecycle commits an offer, and its decision is the largest part of the event: with
    /// streams listening, encoding it through `JSONEncoder` was a quarter of the server's time.
    static func writeOffer(
        task: TaskID, worker: WorkerID, expiresAt: Date, decision: RoutingDecision, into buffer: inout ByteBuffer
    ) -> Bool {
        guard writesExactly(decision) else { return false }
        writeOfferFields(task: task, worker: worker, expiresAt: expiresAt, decision: decision, into: &buffer)
        return true
    }

    /// Whether ``writeOffer(task:worker:expiresAt:decision:into:)`` writes `decision` exactly.
    static func writesExactly(_ decision: RoutingDecision) -> Bool {
        decision.models.count <= 1
            && decision.candidates.allSatisfy { candidate in
                candidate.score.isFinite && candidate.terms.allSatisfy { $0.value.isFinite && $0.weight.isFinite }
            }
    }

    /// Writes the offer's fields; the decision must be one the writer ``writesExactly(_:)``.
    static func writeOfferFields(
        task: TaskID, worker: WorkerID, expiresAt: Date, decision: RoutingDecision, into buffer: inout ByteBuffer
    ) {
        // Keys in the encoder's sorted order.
        buffer.writeStaticString("{")
        JSONBytes.writeKey("decision", into: &buffer)
        writeDecision(decision, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("expiresAt", into: &buffer)
        JSONBytes.writeTime(expiresAt, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("task", into: &buffer)
        JSONBytes.writeString(task.rawValue, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("worker", into: &buffer)
        JSONBytes.writeString(worker.rawValue, into: &buffer)
        buffer.writeStaticString("}")
    }

    private static func writeDecision(_ decision: RoutingDecision, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{")
        JSONBytes.writeKey("candidateCount", into: &buffer)
        JSONBytes.writeInteger(decision.candidateCount, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("candidates", into: &buffer)
        buffer.writeStaticString("[")
        for (index, candidate) in decision.candidates.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString("{")
            JSONBytes.writeKey("id", into: &buffer)
            JSONBytes.writeString(candidate.id, into: &buffer)
            buffer.writeStaticString(",")
            JSONBytes.writeKey("score", into: &buffer)
            JSONBytes.writeDouble(candidate.score, into: &buffer)
            buffer.writeStaticString(",")
            JSONBytes.writeKey("terms", into: &buffer)
            buffer.writeStaticString("[")
            for (index, term) in candidate.terms.enumerated() {
                if index > 0 { buffer.writeStaticString(",") }
                buffer.writeStaticString("{")
                JSONBytes.writeKey("name", into: &buffer)
                JSONBytes.writeString(term.name, into: &buffer)
                buffer.writeStaticString(",")
                JSONBytes.writeKey("value", into: &buffer)
                JSONBytes.writeDouble(term.value, into: &buffer)
                buffer.writeStaticString(",")
                JSONBytes.writeKey("weight", into: &buffer)
                JSONBytes.writeDouble(term.weight, into: &buffer)
                buffer.writeStaticString("}")
            }
            buffer.writeStaticString("]}")
        }
        buffer.writeStaticString("],")
        JSONBytes.writeKey("direction", into: &buffer)
        JSONBytes.writeString(decision.direction.rawValue, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("excluded", into: &buffer)
        buffer.writeStaticString("[")
        for (index, exclusion) in decision.excluded.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString("{")
            JSONBytes.writeKey("count", into: &buffer)
            JSONBytes.writeInteger(exclusion.count, into: &buffer)
            buffer.writeStaticString(",")
            JSONBytes.writeKey("examples", into: &buffer)
            writeStrings(exclusion.examples, into: &buffer)
            buffer.writeStaticString(",")
            JSONBytes.writeKey("rule", into: &buffer)
            JSONBytes.writeString(exclusion.rule, into: &buffer)
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString("],")
        JSONBytes.writeKey("models", into: &buffer)
        buffer.writeStaticString("{")
        if let (name, version) = decision.models.first {
            JSONBytes.writeString(name, into: &buffer)
            buffer.writeStaticString(":")
            JSONBytes.writeInteger(version, into: &buffer)
        }
        buffer.writeStaticString("},")
        JSONBytes.writeKey("notes", into: &buffer)
        writeStrings(decision.notes, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("policy", into: &buffer)
        JSONBytes.writeString(decision.policy, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("policyVersion", into: &buffer)
        JSONBytes.writeInteger(decision.policyVersion, into: &buffer)
        if let runnerUpLost = decision.runnerUpLost {
            buffer.writeStaticString(",")
            JSONBytes.writeKey("runnerUpLost", into: &buffer)
            JSONBytes.writeString(runnerUpLost, into: &buffer)
        }
        buffer.writeStaticString("}")
    }

    private static func writeStrings(_ strings: [String], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("[")
        for (index, string) in strings.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            JSONBytes.writeString(string, into: &buffer)
        }
        buffer.writeStaticString("]")
    }
}

extension JSONBytes {
    /// Writes a finite double as `JSONEncoder` does: its shortest round-tripping description,
    /// with a whole number's `.0` left off (`1`, `0.25`, `1e-05`, `-0`).
    static func writeDouble(_ value: Double, into buffer: inout ByteBuffer) {
        let text = value.description
        if text.hasSuffix(".0") {
            buffer.writeSubstring(text.dropLast(2))
        } else {
            buffer.writeString(text)
        }
    }
}
