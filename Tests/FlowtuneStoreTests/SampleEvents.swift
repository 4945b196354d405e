import FlowtuneCore
import Foundation

/// Events for the store's tests, covering every payload case and its variants.
enum SampleEvents {
    static let start = Date(timeIntervalSince1970: 1_700_000_000.123_456_7)

    /// A routing decision like the skill-score policy records: `count` candidates sharing one term
    /// schema, two exclusion groups and a runner-up explanation.
    static func decision(candidates count: Int = 5, task: Int = 0) -> RoutingDecision {
        let weights: [(String, Double)] = [
            ("skillFit", 1), ("queuePriority", 0.5), ("taskPriority", 1), ("taskAge", 1), ("slaRisk", 1),
            ("idleTime", 0.25),
        ]
        let candidates = (0..<count).map { index in
            ScoredCandidate(
                id: "worker-\(index + task % 50)",
                score: 3.25 - Double(index) * 0.125,
                terms: weights.enumerated().map { offset, term in
                    ScoreTerm(name: term.0, value: Double(offset + index) / 7, weight: term.1)
                })
        }
        return RoutingDecision(
            policy: "skill-score", policyVersion: 2, direction: .taskToWorker, candidates: candidates,
            candidateCount: count + 3,
            excluded: [
                Exclusion(rule: "status away", count: 4, examples: ["worker-90", "worker-91", "worker-92"]),
                Exclusion(rule: "skill billing 3 < 5", count: 1, examples: ["worker-93"]),
            ],
            runnerUpLost: count > 1 ? "taskAge: 0.43 vs 0.29" : nil)
    }

    /// The four events of a routine task's life: created, offered, accepted, completed.
    static func lifecycle(task index: Int, at time: Date = start) -> [Event] {
        let task = TaskID("task-\(index)")
        let worker = WorkerID("worker-\(index % 50)")
        return [
            Event(
                time: time, actor: "api:intake", cause: "CreateTask",
                payload: .taskCreated(TaskCreated(
                    task: task, workflow: "claims", workflowVersion: 3, channel: "email", priority: 4,
                    attributes: ["amount": .number(Double(6200 + index)), "tier": "gold", "region": "emea"],
                    idempotencyKey: "req-\(index)", fingerprint: 0xDEAD_BEEF_0000 &+ UInt64(index)))),
            Event(
                time: time + 0.25, actor: "system", cause: "route",
                payload: .taskOffered(
                    task: task, worker: worker, expiresAt: time + 60.25, decision: decision(task: index))),
            Event(time: time + 3.5, actor: worker.rawValue, payload: .offerAccepted(task: task, worker: worker)),
            Event(
                time: time + 300.75, actor: worker.rawValue, cause: "CompleteStep",
                payload: .stepCompleted(StepCompletion(
                    task: task, step: "review", worker: worker, outcome: "approved",
                    evidence: ["decision": "approve", "checked": true], next: .step("payout")))),
        ]
    }

    /// `count` events made of whole lifecycles of consecutive tasks, a millisecond apart.
    static func lifecycles(_ count: Int, firstTask: Int = 0) -> [Event] {
        var events: [Event] = []
        events.reserveCapacity(count)
        var task = firstTask
        while events.count < count {
            events.append(contentsOf: lifecycle(task: task, at: start + Double(task) * 0.001).prefix(count - events.count))
            task += 1
        }
        return events
    }

    static let workflow = Workflow(
        id: "claims", version: 3, name: "Claims",
        promise: Promise(text: "every claim settled within 2 days", within: 172_800),
        steps: [
            Step(
                id: "review", queue: "adjusters",
                ownership: OwnershipRule(
                    sourceSystem: "claims-db", decisionOwner: "claims-team", backupOwner: "claims-leads",
                    responseWindow: 3600,
                    escalation: [
                        EscalationStage(after: 0, action: .notify("#claims")),
                        EscalationStage(after: 1800, action: .reassignToBackup),
                        EscalationStage(after: 3600, action: .raisePriority(2)),
                        EscalationStage(after: 7200, action: .moveToException("review overdue")),
                    ],
                    requiredEvidence: ["decision"], missingEvidence: .exception),
                next: ["approved": .step("payout"), "rejected": .end]),
            Step(
                id: "payout", queue: "finance",
                ownership: OwnershipRule(sourceSystem: "ledger", decisionOwner: "finance", responseWindow: 86_400)),
        ])

    /// A workflow with an adaptive response window (every window shape across its steps) and an
    /// exception-rate alert.
    static let adaptiveWorkflow = Workflow(
        id: "claims", version: 4, name: "Claims",
        steps: [
            Step(
                id: "review", queue: "adjusters",
                ownership: OwnershipRule(
                    sourceSystem: "claims-db", decisionOwner: "claims-team", responseWindow: 14_400,
                    escalation: [EscalationStage(after: 0, action: .notify("#claims"))],
                    adaptiveResponseWindow: AdaptiveResponseWindow(
                        quantile: 0.9, window: SampleWindow(count: 500, age: 86_400), minimumSamples: 50,
                        floor: 900, ceiling: 28_800, minimumChange: 0.05)),
                next: ["approved": .step("payout")]),
            Step(
                id: "payout", queue: "finance",
                ownership: OwnershipRule(
                    sourceSystem: "ledger", decisionOwner: "finance", responseWindow: 86_400,
                    adaptiveResponseWindow: AdaptiveResponseWindow(quantile: 0.5, window: SampleWindow(count: 200)))),
        ],
        alerts: WorkflowAlerts(exceptionRate: SeasonalBand(
            seasonality: .weekly, slotLength: 3600, smoothing: 0.2, width: 3, warmUp: 4, blendSamples: 8,
            sides: .above, minimumDeviation: 0.01, utcOffset: -18_000)))

    /// One event of each adaptive-threshold case: a window change, a slot, an alert and a recovery.
    static func adaptiveEvents(at time: Date) -> [Event] {
        let band = ExpectedBand(
            slot: 10, mean: 0.024, deviation: 0.009, lower: -0.003, upper: 0.051, slotSamples: 6, seasonalWeight: 0.75,
            isArmed: true)
        let slotStart = Date(timeIntervalSince1970: 1_700_002_800)
        let slotEnd = slotStart + 3600
        return [
            Event(time: time, actor: "admin", payload: .workflowDefined(adaptiveWorkflow)),
            Event(
                time: time + 1, actor: "system",
                payload: .thresholdChanged(ResponseWindowChange(
                    workflow: "claims", step: "review",
                    change: ThresholdChange(
                        from: 14_400, to: 9_612.5, time: time.timeIntervalSince1970 + 1,
                        basis: ThresholdBasis(
                            source: .quantile, quantile: 0.9, estimate: 9_612.5, sampleCount: 63,
                            window: SampleWindow(count: 500, age: 86_400), oldestSample: 1_699_990_000.25))))),
            Event(
                time: time + 2, actor: "system",
                payload: .thresholdChanged(ResponseWindowChange(
                    workflow: "claims", step: "payout",
                    change: ThresholdChange(
                        from: 3_600, to: 86_400, time: time.timeIntervalSince1970 + 2,
                        basis: ThresholdBasis(
                            source: .configured, quantile: 0.5, estimate: nil, sampleCount: 0,
                            window: SampleWindow(count: 200), oldestSample: nil))))),
            Event(
                time: slotEnd, actor: "system",
                payload: .exceptionRateObserved(ExceptionRateObservation(
                    workflow: "claims", slotStart: slotStart, slotEnd: slotEnd, entered: 40, exceptions: 5))),
            Event(
                time: slotEnd, actor: "system",
                payload: .exceptionRateObserved(ExceptionRateObservation(
                    workflow: "claims", slotStart: slotEnd, slotEnd: slotEnd + 3600, entered: 0, exceptions: 0))),
            Event(
                time: slotEnd, actor: "system",
                payload: .exceptionRateAlert(ExceptionRateSignal(
                    workflow: "claims", slotStart: slotStart, slotEnd: slotEnd,
                    signal: BandSignal(
                        kind: .alert, direction: .above, value: 0.125, time: slotStart.timeIntervalSince1970, band: band)))),
            Event(
                time: slotEnd + 7200, actor: "system",
                payload: .exceptionRateRecovered(ExceptionRateSignal(
                    workflow: "claims", slotStart: slotEnd + 3600, slotEnd: slotEnd + 7200,
                    signal: BandSignal(
                        kind: .recovery, direction: .above, value: 0.02, time: slotEnd.timeIntervalSince1970 + 3600,
                        band: band, alertSince: slotStart.timeIntervalSince1970)))),
            Event(
                time: slotEnd + 7260, actor: "system", cause: "reallocation",
                payload: .queueAtRisk(QueueRisk(
                    queue: "billing", predictedServiceLevel: 0.61, goal: 0.82, horizon: 3600, waiting: 14, agents: 12))),
            Event(
                time: slotEnd + 7260, actor: "system", cause: "reallocation",
                payload: .reallocationProposed(ReallocationProposal(
                    id: "R1", worker: "ana", from: "sales", to: "billing", cost: 4,
                    explanation: reallocationExplanation, needsApproval: false))),
            Event(
                time: slotEnd + 7260, actor: "system", cause: "reallocation",
                payload: .workerReallocated(WorkerReallocation(
                    proposal: "R1", worker: "ana", from: "sales", to: "billing",
                    explanation: reallocationExplanation, approval: .automatic, approvedBy: "system"))),
            Event(
                time: slotEnd + 7300, actor: "lead", cause: "POST /v1/reallocations/R2/approve",
                payload: .workerReallocated(WorkerReallocation(
                    proposal: "R2", worker: "bo", from: nil, to: "billing",
                    explanation: reallocationExplanation, approval: .operator, approvedBy: "lead"))),
            Event(
                time: slotEnd + 7320, actor: "lead",
                payload: .reallocationDeclined(ReallocationDecline(proposal: "R3", by: "lead", reason: "on a call"))),
            Event(
                time: slotEnd + 7320, actor: "admin",
                payload: .workerRegistered(Worker(
                    id: "ana", skills: ["billing": 6], servingQueue: "sales", flexible: true, moveCost: 4))),
            Event(
                time: slotEnd + 7400, actor: "learning", cause: "model promoted",
                payload: .predictionsPublished(PredictionTable(
                    models: ["handling-time": 3, "resolution": 2],
                    types: [
                        "billing": TypePredictions(
                            everyone: Prediction(handlingTime: 360, handlingTimeUpper: 700, resolution: 0.81),
                            workers: ["ana": Prediction(handlingTime: 240.5, handlingTimeUpper: 420, resolution: 0.93)]),
                        "fraud": TypePredictions(workers: ["bo": Prediction(handlingTime: 1800, handlingTimeUpper: 3600, resolution: 0.6)]),
                    ]))),
            Event(
                time: slotEnd + 7410, actor: "system", cause: "route",
                payload: .taskOffered(
                    task: "task-p", worker: "ana", expiresAt: slotEnd + 7470,
                    decision: {
                        var decision = decision(candidates: 2)
                        decision.policy = "predictive"
                        decision.models = ["handling-time": 3, "resolution": 2]
                        decision.notes = ["task task-p: type billing, value 100.000 (default)", "fairness waived"]
                        return decision
                    }())),
        ]
    }

    static let reallocationExplanation = ReallocationExplanation(
            summary: "moves ana from sales to billing: billing 61.0% → 74.2% (goal 82.0%)",
            target: ServiceLevelShift(queue: "billing", agentsBefore: 12, before: 0.61, after: 0.742, goal: 0.82),
            targetAfterPlan: 0.86,
            donor: ServiceLevelShift(queue: "sales", agentsBefore: 9, before: 0.97, after: 0.93, goal: 0.82),
            skillLevels: ["billing": 6], skillFit: 0.6, costLimit: 5, candidatesConsidered: 4,
            passedOver: [PassedOverWorker(worker: "bo", from: nil, cost: 9.5, reason: "dearer", detail: "costs 9.5 against 4")])

    static let queue = Queue(
        id: "adjusters", name: "Adjusters", priority: 2,
        serviceLevel: ServiceLevelTarget(percent: 90, within: 120.5),
        requirement: Requirement(skills: ["claims": 5], certifications: ["adjuster"], teams: ["north"],
                                 attributes: ["language": "fr"]),
        relaxation: [RelaxationStage(after: 600, requirement: Requirement(skills: ["claims": 3]))],
        offerTimeout: 45)

    static let worker = Worker(
        id: "worker-7", name: "Zoë Ångström", kind: .human, skills: ["claims": 7, "billing": 4],
        certifications: ["adjuster"], channels: ["email": 3, "voice": 1], team: "north", costPerHour: 42.5,
        attributes: ["language": "fr"], status: .away)

    /// Attributes exercising every JSON shape: nesting, whole and fractional numbers, extremes,
    /// negative zero, unicode keys and values, empty containers.
    static let richAttributes: JSONValue = [
        "amount": 6200,
        "ratio": 0.1,
        "negative": -42,
        "negativeZero": .number(-0.0),
        "huge": .number(1e300),
        "tiny": .number(.leastNonzeroMagnitude),
        "bigWhole": .number(9_007_199_254_740_994),
        "minInt": .number(-9_223_372_036_854_775_808),
        "flag": true,
        "off": false,
        "nothing": nil,
        "émoji 🚀": "日本語テキスト — Zoë",
        "empty": "",
        "nul": "a\u{0}b",
        "list": [1, "two", [3.5, nil], ["deep": ["deeper": [true]]]],
        "emptyList": [],
        "emptyObject": .object([:]),
    ]

    /// At least one event of every payload case, and every variant of the enumerations inside them.
    static var everyCase: [Event] {
        let t0 = start
        let task = TaskID("task-ü-1")
        var events: [Event] = [
            Event(time: t0, actor: "admin", cause: "DefineWorkflow", payload: .workflowDefined(workflow)),
            Event(time: t0, actor: "admin", payload: .queueDefined(queue)),
            Event(time: t0, actor: "admin", payload: .workerRegistered(worker)),
            Event(time: t0 + 1, actor: "admin", payload: .policyChanged(.longestIdle)),
            Event(
                time: t0 + 1, actor: "admin",
                payload: .settingsChanged(WorkspaceState.Settings(
                    routingPolicy: .roundRobin, explainedCandidates: 3, exceptionDue: 5400))),
            Event(
                time: t0 + 2, actor: "api:intake", cause: "CreateTask",
                payload: .taskCreated(TaskCreated(
                    task: task, workflow: "claims", workflowVersion: 3, channel: "email", priority: 1,
                    attributes: richAttributes, idempotencyKey: "key-✓", fingerprint: .max))),
            Event(
                time: t0 + 2.000_001, actor: "api:intake",
                payload: .taskCreated(TaskCreated(
                    task: "task-2", workflow: "claims", workflowVersion: 1, channel: .default, priority: 9,
                    attributes: .null))),
            Event(
                time: t0 + 3, actor: "system",
                payload: .taskOffered(task: task, worker: "worker-7", expiresAt: t0 + 63.5, decision: decision())),
            Event(
                time: t0 + 2.5, actor: "ops",
                payload: .decisionPublished(DecisionPublication(
                    decision: "approval-lane", version: 2, file: "lane.yaml", text: "decision: approval-lane\n", restores: 1))),
            Event(
                time: t0 + 2.5, actor: "system",
                payload: .decisionApplied(DecisionApplication(
                    task: task, step: "review", purposes: [.lane, .priority],
                    trace: DecisionTrace(
                        decision: "approval-lane", version: 2, hitPolicy: "FIRST",
                        inputs: [
                            .init(name: "amount", expression: "task.amount", value: .number(6200)),
                            .init(name: "window", expression: "task.window", value: .duration(5400)),
                            .init(name: "tags", expression: "task.tags", value: .list([.string("vip"), .null, .bool(true)])),
                        ],
                        matchedRules: [1, 3], selectedRules: [1],
                        outputs: [.init(name: "lane", value: .string("exception")), .init(name: "priority", value: .number(2))]),
                    queue: "billing", priority: 2, requiredEvidence: ["approval_id"], responseWindow: 1800))),
            Event(time: t0 + 4, actor: "worker-7", payload: .offerAccepted(task: task, worker: "worker-7")),
            Event(
                time: t0 + 5, actor: "system", cause: "step overdue",
                payload: .escalated(task: task, step: "review", level: 1, action: .notify("#claims"))),
            Event(time: t0 + 6, actor: "system", payload: .escalated(task: task, step: "review", level: 2, action: .reassignToBackup)),
            Event(time: t0 + 7, actor: "system", payload: .escalated(task: task, step: "review", level: 3, action: .raisePriority(-2))),
            Event(
                time: t0 + 8, actor: "system",
                payload: .escalated(task: task, step: "review", level: 4, action: .moveToException("review overdue"))),
            Event(time: t0 + 9, actor: "system", payload: .priorityChanged(task: task, from: 5, to: 3)),
            Event(
                time: t0 + 10, actor: "system",
                payload: .movedToException(task: task, item: ExceptionItem(
                    owner: "claims-leads", due: t0 + 3600.5, reason: "missing evidence: decision",
                    context: ["amount": "6200", "clé": "välue"], recommendedAction: "call the claimant",
                    claimedBy: nil))),
            Event(
                time: t0 + 10.5, actor: "system",
                payload: .movedToException(task: "task-2", item: ExceptionItem(
                    owner: "ops", due: t0, reason: "", recommendedAction: "", claimedBy: "mia"))),
            Event(time: t0 + 11, actor: "mia", payload: .exceptionClaimed(task: task, by: "mia")),
            Event(time: t0 + 12, actor: "mia", payload: .exceptionResolved(task: task, resolution: .resume("payout"), note: "evidence found")),
            Event(time: t0 + 12, actor: "mia", payload: .exceptionResolved(task: "task-2", resolution: .complete, note: "")),
            Event(time: t0 + 12, actor: "mia", payload: .exceptionResolved(task: "task-3", resolution: .cancel, note: "duplicate")),
            Event(time: t0 + 13, actor: "lead", cause: "Override", payload: .overrideApplied(task: task, change: .reassign("worker-9"), reason: "VIP")),
            Event(time: t0 + 14, actor: "lead", payload: .overrideApplied(task: task, change: .priority(1), reason: "escalated by phone")),
            Event(time: t0 + 15, actor: "lead", payload: .overrideApplied(task: task, change: .lane(.exception), reason: "fraud check")),
            Event(time: t0 + 15, actor: "lead", payload: .overrideApplied(task: task, change: .lane(.routine), reason: "cleared")),
            Event(time: t0 + 16, actor: "worker-7", payload: .offerDeclined(task: task, worker: "worker-7", reason: .rejected)),
            Event(time: t0 + 17, actor: "system", payload: .offerDeclined(task: task, worker: "worker-8", reason: .timedOut)),
            Event(time: t0 + 18, actor: "system", payload: .offerDeclined(task: task, worker: "worker-9", reason: .withdrawn)),
            Event(
                time: t0 + 19, actor: "worker-7",
                payload: .stepCompleted(StepCompletion(
                    task: task, step: "review", worker: "worker-7", outcome: "approved",
                    evidence: ["decision": "approve", "notes": ["a": [1, 2]], "score": 0.75], next: .step("payout")))),
            Event(
                time: t0 + 20, actor: "bot",
                payload: .stepCompleted(StepCompletion(
                    task: task, step: "payout", worker: nil, outcome: "", evidence: [:], next: .end))),
            Event(time: t0 + 21, actor: "api", cause: "", payload: .taskCancelled(task: "task-3", reason: "customer withdrew 🙏")),
        ]
        for status in Worker.Status.allCases {
            events.append(Event(time: t0 + 22, actor: "worker-7", payload: .workerStatusChanged(worker: "worker-7", status: status)))
        }
        for policy in RoutingPolicyKind.allCases {
            events.append(Event(time: t0 + 23, actor: "admin", payload: .policyChanged(policy)))
        }
        events.append(contentsOf: adaptiveEvents(at: t0 + 30))
        events.append(contentsOf: decisionVariants.enumerated().map { index, decision in
            Event(
                time: t0 + 24 + Double(index) * 1e-6, actor: "system",
                payload: .taskOffered(task: "task-2", worker: "worker-1", expiresAt: t0 + 90, decision: decision))
        })
        return events
    }

    /// Decisions taking each path of the compact form: no candidates, one, candidates whose term
    /// lists differ (so the terms cannot be stored once), and every direction.
    static let decisionVariants: [RoutingDecision] = [
        RoutingDecision(
            policy: "round-robin", policyVersion: 1, direction: .workerToTask, candidates: [], candidateCount: 0,
            excluded: [], runnerUpLost: nil),
        decision(candidates: 1),
        RoutingDecision(
            policy: "custom", policyVersion: -1, direction: .override,
            candidates: [
                ScoredCandidate(id: "a", score: .infinity, terms: [ScoreTerm(name: "x", value: 1, weight: 2)]),
                ScoredCandidate(id: "b", score: -0.0, terms: []),
                ScoredCandidate(id: "c", score: 1, terms: [ScoreTerm(name: "x", value: 1, weight: 3)]),
                ScoredCandidate(id: "d", score: 1, terms: [ScoreTerm(name: "y", value: 1, weight: 2)]),
            ],
            candidateCount: 4, excluded: [Exclusion(rule: "", count: 0, examples: [])], runnerUpLost: ""),
    ]
}
