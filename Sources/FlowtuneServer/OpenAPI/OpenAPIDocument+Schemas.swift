import FlowtuneCore

extension OpenAPIDocument {
    /// The JSON Schemas of the API's bodies, by name.
    enum Schemas {
        static var all: JSONValue {
            .object([
                "Problem": problem, "Health": object(["status": string()], required: ["status"]),
                "NewTask": newTask, "WorkerChoice": object(["worker": string("The worker to act for; an admin key only.")]),
                "Completion": completion, "Reason": reason, "Override": override,
                "Task": task, "FinishedTask": finishedTask, "TaskOrOutcome": ["oneOf": [ref("Task"), ref("FinishedTask")]],
                "TaskPage": page("Task"), "TaskWithHistory": taskWithHistory, "ExceptionItem": exceptionItem,
                "Event": event, "AuditPage": auditPage,
                "Duration": duration, "Requirement": requirement, "QueueDefinition": queueDefinition, "Queue": queue,
                "QueuePage": page("Queue"), "WorkerDefinition": workerDefinition, "Worker": worker, "WorkerPage": page("Worker"),
                "StatusChange": object(["status": enumeration(["available", "away", "offline"])], required: ["status"]),
                "SkillsChange": object(["skills": skills], required: ["skills"]),
                "DefinitionDocument": definitionDocument, "Workflow": workflow, "Step": step, "Ownership": ownership,
                "WorkflowPage": page("Workflow"),
                "WorkflowVersions": object(["id": string(), "versions": array(ref("Workflow"))], required: ["id", "versions"]),
                "UploadResult": object(
                    ["workflows": array(ref("Workflow")), "queues": array(string()), "workers": array(string())],
                    required: ["workflows", "queues", "workers"]),
                "DecisionUpload": object(
                    ["file": string("The file name to record."), "yaml": string("The decision file's text.")],
                    required: ["yaml"], closed: true),
                "DecisionFile": decisionFile, "DecisionIssue": decisionIssue, "ExpressionValue": expressionValue,
                "DecisionTrace": decisionTrace, "DecisionSummary": decisionSummary, "DecisionSummaryPage": page("DecisionSummary"),
                "Decision": decision,
                "DecisionVersions": object(["id": string(), "versions": array(ref("DecisionSummary"))], required: ["id", "versions"]),
                "DecisionExample": object(
                    ["name": string(), "passed": ["type": "boolean"], "mismatches": array(string()), "trace": ref("DecisionTrace")],
                    required: ["name", "passed", "mismatches", "trace"]),
                "DecisionValidation": decisionValidation, "DecisionEvaluation": decisionEvaluation,
                "UploadedEvaluation": object(
                    [
                        "yaml": string("The decision file's text."), "file": string("The file name to report problems under."),
                        "input": ref("DecisionInput"), "now": time(),
                    ],
                    required: ["yaml", "input"]),
                "PublishedEvaluation": object(
                    ["version": integer("The version to evaluate; the latest when left out."), "input": ref("DecisionInput"), "now": time()],
                    required: ["input"]),
                "DecisionInput": object(
                    [
                        "task": ["type": "object", "description": "The task's attributes; paths without a root read from it."],
                        "model": ["type": "object", "description": "Model outputs, such as `{\"intent\": {\"name\": \"refund\", \"confidence\": 0.9}}`."],
                        "worker": ["type": "object", "description": "The worker's fields."],
                    ],
                    closed: true),
                "Rollback": object(
                    ["version": integer("The earlier version whose text to publish again."), "reason": string("Why; kept in the event's cause.")],
                    required: ["version", "reason"]),
                "Resolution": resolution,
                "Reallocation": reallocation, "ReallocationPage": page("Reallocation"),
                "DeclineReason": object(["reason": string("Why the move is declined.")], required: ["reason"]),
                "Reassignment": object(["worker": string("The worker to hand the item to."), "reason": string()], required: ["worker", "reason"]),
                "Metrics": metrics,
                "NewWebhook": object(
                    ["url": string("An absolute http or https URL."), "events": array(string("An event type, or `*` for all."))],
                    required: ["url", "events"]),
                "WebhookSubscription": object(
                    [
                        "id": string(), "url": string(), "events": array(string()), "createdAt": time(),
                        "cursor": integer("The last event sequence handed to the receiver."),
                        "secret": string("The signing secret; only when the subscription is created."),
                    ],
                    required: ["id", "url", "events", "createdAt", "cursor"]),
                "WebhookPage": page("WebhookSubscription"),
                "Delivery": object(
                    [
                        "id": integer(), "subscription": string(), "eventId": integer(), "eventType": string(),
                        "attempt": integer(), "status": integer("The receiver's HTTP status, when it answered."),
                        "durationMs": number(), "error": string(), "at": time(), "delivered": ["type": "boolean"],
                    ],
                    required: ["id", "subscription", "eventId", "eventType", "attempt", "at", "delivered"]),
                "DeliveryPage": page("Delivery"),
            ])
        }

        // MARK: - Problems

        static var problem: JSONValue {
            object(
                [
                    "type": string("A URI naming the kind of problem."), "title": string(), "status": integer(),
                    "detail": string("What happened this time."), "instance": string("The request path."),
                    "field": string("The request field at fault, such as `priority`, `attributes.amount` or `Idempotency-Key`."),
                    "errors": array(object(
                        ["field": string(), "message": string(), "line": integer(), "column": integer()],
                        required: ["field", "message"])),
                    "examples": array(ref("DecisionExample")),
                ],
                required: ["type", "title", "status", "detail"])
        }

        // MARK: - Tasks

        static var newTask: JSONValue {
            object(
                [
                    "id": string("An id of your choosing; the workspace numbers the task when left out."),
                    "workflow": string("The workflow to follow."), "channel": string("Defaults to `default`."),
                    "priority": ["type": "integer", "minimum": 1, "maximum": 9, "description": "1 is the most urgent; 5 when left out."],
                    "attributes": ["type": "object", "description": "Business data, read by routing rules."],
                ],
                required: ["workflow"])
        }

        static var completion: JSONValue {
            object([
                "worker": string("The worker completing; an admin key only."),
                "outcome": string("Chooses the next step; the step's only or default outcome when left out."),
                "evidence": ["type": "object", "description": "The evidence fields the step requires."],
            ])
        }

        static var reason: JSONValue {
            object(["reason": string(), "context": ["type": "object", "additionalProperties": string()]], required: ["reason"])
        }

        static var override: JSONValue {
            object(
                [
                    "reassign": string("Give the task to this worker now."),
                    "priority": ["type": "integer", "minimum": 1, "maximum": 9],
                    "lane": enumeration(["routine", "exception"]),
                    "reason": string("Why; recorded with the caller as actor."),
                ],
                required: ["reason"], extra: ["minProperties": 2, "maxProperties": 2])
        }

        static var task: JSONValue {
            object(
                [
                    "id": string(), "workflow": string(), "workflowVersion": integer(), "step": string(), "queue": string(),
                    "lane": enumeration(["routine", "exception"]), "priority": integer(),
                    "state": enumeration(["queued", "offered", "assigned", "held"]),
                    "worker": string("The worker offered or assigned the task."), "offerExpiresAt": time(),
                    "channel": string(), "attributes": ["type": "object"], "createdAt": time(), "stepEnteredAt": time(),
                    "queuedAt": time(), "escalationLevel": integer(), "exception": ref("ExceptionItem"),
                ],
                required: ["id", "workflow", "workflowVersion", "step", "queue", "lane", "priority", "state", "createdAt"])
        }

        static var finishedTask: JSONValue {
            object(["id": string(), "state": enumeration(["completed", "cancelled", "unknown"])], required: ["id", "state"])
        }

        static var exceptionItem: JSONValue {
            object(
                [
                    "owner": string("Who must act."), "due": time(), "reason": string(),
                    "context": ["type": "object", "additionalProperties": string()],
                    "recommendedAction": string(), "claimedBy": string(),
                ],
                required: ["owner", "due", "reason", "recommendedAction"])
        }

        static var taskWithHistory: JSONValue {
            object(
                [
                    "task": ref("Task"), "finished": enumeration(["completed", "cancelled"]),
                    "history": array(ref("Event")),
                ],
                required: ["history"])
        }

        static var event: JSONValue {
            object(
                [
                    "sequence": integer("The event's position in the log; the SSE id."),
                    "type": string("Such as TaskCreated, TaskRouted, OfferAccepted, StepCompleted, MovedToException, OverrideApplied."),
                    "time": time(), "actor": string(), "cause": string(), "task": string(),
                    "data": ["description": "The event's facts; a routing decision carries its full explanation."],
                ],
                required: ["sequence", "type", "time", "actor", "data"])
        }

        static var auditPage: JSONValue {
            object(
                ["items": array(ref("Event")), "count": integer(), "next": integer("Pass as `after` for the next page.")],
                required: ["items", "count"])
        }

        // MARK: - Definitions

        static var duration: JSONValue {
            ["oneOf": [["type": "string", "examples": ["90s", "15m", "4h", "1h30m"]], ["type": "number", "minimum": 0]], "description": "A duration; a bare number is seconds."]
        }

        static var skills: JSONValue {
            ["type": "object", "additionalProperties": ["type": "integer", "minimum": 0, "maximum": 10]]
        }

        static var requirementFields: [String: JSONValue] {
            [
                "skills": skills, "certifications": array(string()), "teams": array(string()),
                "attributes": ["type": "object", "additionalProperties": string()],
            ]
        }

        static var requirement: JSONValue { object(requirementFields) }

        static var queueFields: [String: JSONValue] {
            var stage = requirementFields
            stage["after"] = ref("Duration")
            return [
                "id": string(), "name": string(), "priority": ["type": "integer", "minimum": 1, "maximum": 9],
                "service_level": object(["percent": ["type": "number", "minimum": 0, "maximum": 100], "within": ref("Duration")]),
                "offer_timeout": ref("Duration"), "requirement": ref("Requirement"),
                "relaxation": array(object(stage, required: ["after"])),
            ]
        }

        static var queueDefinition: JSONValue { object(queueFields, required: ["id"], closed: true) }

        static var queue: JSONValue {
            var fields = queueFields
            fields["waiting"] = integer("Tasks waiting now.")
            return object(fields, required: ["id", "name", "priority", "service_level", "waiting"])
        }

        static var workerFields: [String: JSONValue] {
            [
                "id": string(), "name": string(), "kind": enumeration(["human", "automation"]), "team": string(),
                "skills": skills, "certifications": array(string()),
                "channels": ["type": "object", "additionalProperties": ["type": "integer", "minimum": 0], "description": "Capacity per channel."],
                "cost_per_hour": ["type": "number", "minimum": 0],
                "attributes": ["type": "object", "additionalProperties": string()],
                "status": enumeration(["available", "away", "offline"]),
                "serving_queue": string("The one queue the worker serves; left out, every queue it is eligible for."),
                "flexible": ["type": "boolean", "description": "Whether real-time reallocation may move the worker between queues."],
                "move_cost": ["type": "number", "minimum": 0, "description": "What one move of the worker costs; moves over the automatic limit wait for an operator."],
            ]
        }

        static var workerDefinition: JSONValue { object(workerFields, required: ["id"], closed: true) }

        static var worker: JSONValue {
            var fields = workerFields
            fields["load"] = ["type": "object", "additionalProperties": ["type": "integer"], "description": "Tasks held per channel."]
            fields["total_load"] = integer()
            fields["idle_since"] = ["type": ["string", "null"], "format": "date-time", "description": "Null while the worker holds work."]
            return object(fields, required: ["id", "status", "load", "total_load", "idle_since"])
        }

        static var reallocation: JSONValue {
            let shift = object(
                [
                    "queue": string(), "agentsBefore": integer(), "before": number("Predicted service level, 0–1."),
                    "after": number(), "goal": number("The promise plus the learned margin."),
                ],
                required: ["queue", "agentsBefore", "before", "after", "goal"])
            let passedOver = object(
                [
                    "worker": string(), "from": string(), "cost": number(),
                    "reason": enumeration(["dearer", "movedElsewhere", "donorSlackTaken", "donorWithoutSlack", "notEligible", "notFlexible", "unavailable"]),
                    "detail": string(),
                ],
                required: ["worker", "cost", "reason", "detail"])
            let explanation = object(
                [
                    "summary": string(), "target": shift, "targetAfterPlan": number(), "donor": shift,
                    "skillLevels": ["type": "object", "additionalProperties": ["type": "integer"]], "skillFit": number(),
                    "costLimit": number(), "candidatesConsidered": integer(), "passedOver": array(passedOver),
                ],
                required: ["summary", "target", "targetAfterPlan", "skillLevels", "skillFit", "costLimit", "candidatesConsidered", "passedOver"])
            return object(
                [
                    "id": string("Such as R12."), "worker": string(),
                    "from": string("The queue the worker served; absent for a worker on every queue."), "to": string(),
                    "cost": number(), "needsApproval": ["type": "boolean"],
                    "status": enumeration(["pending", "applied", "declined"]), "proposedAt": time(), "decidedAt": time(),
                    "decidedBy": string("`system` for an automatic move, else the operator."), "reason": string(),
                    "explanation": explanation,
                ],
                required: ["id", "worker", "to", "cost", "needsApproval", "status", "proposedAt", "explanation"])
        }

        static var ownership: JSONValue {
            let escalation = object(
                [
                    "after": ref("Duration"), "notify": string(), "raise_priority": integer(),
                    "reassign": enumeration(["backup"]), "exception": string("Move to the exception lane with this reason."),
                ],
                extra: ["minProperties": 2, "description": "When, after the response window, and exactly one action."])
            return object(
                [
                    "source_system": string(), "decision_owner": string(), "backup_owner": string(),
                    "response_window": ref("Duration"), "escalation": array(escalation),
                    "required_evidence": array(string()), "missing_evidence": enumeration(["refuse", "exception"]),
                ],
                required: ["source_system", "decision_owner", "response_window"])
        }

        static var step: JSONValue {
            object(
                [
                    "id": string(), "name": string(), "queue": string(), "ownership": ref("Ownership"),
                    "next": [
                        "oneOf": [string("A step id, or `end`."), ["type": "object", "additionalProperties": string()]],
                        "description": "Where each outcome leads: a step id or `end`.",
                    ],
                    "decisions": [
                        "type": "object", "additionalProperties": string(),
                        "propertyNames": enumeration(["lane", "queue", "priority", "evidence", "escalation"]),
                        "description": "Purpose to the published decision that sets it, evaluated as a task enters the step.",
                    ],
                ],
                required: ["id", "queue", "ownership"])
        }

        static var workflow: JSONValue {
            object(
                [
                    "id": string(), "version": integer("Set by the server: 1, then one more per upload."), "name": string(),
                    "promise": ["oneOf": [string(), object(["text": string(), "within": ref("Duration")], required: ["text"])]],
                    "steps": array(ref("Step")),
                ],
                required: ["id", "steps"])
        }

        static var definitionDocument: JSONValue {
            object(
                [
                    "workspace": object([
                        // Every policy the core knows, so a new one is documented the day it exists.
                        "routing_policy": enumeration(RoutingPolicyKind.allCases.map(\.rawValue)),
                        "explained_candidates": integer(), "exception_due": ref("Duration"),
                        "predictive": object(
                            [
                                "type_attribute": string(), "value_attribute": string(), "task_value": number(),
                                "customer_cost_per_hour": number(), "missed_promise_cost": number(),
                                "fairness_bound": number(), "fairness_period": ref("Duration"), "fairness_minimum": integer(),
                                "batch_interval": ref("Duration"),
                            ],
                            closed: true),
                    ]),
                    "queues": array(ref("QueueDefinition")), "workers": array(ref("WorkerDefinition")),
                    "workflows": array(ref("Workflow")),
                ],
                closed: true)
        }

        // MARK: - Decisions

        static var decisionFile: JSONValue {
            object(
                [
                    "decision": string("The decision's id, stable across versions."), "name": string(),
                    "hit_policy": string("UNIQUE, FIRST, PRIORITY, ANY, RULE ORDER, COLLECT, or COLLECT SUM, MIN, MAX, COUNT."),
                    "inputs": array(object(["name": string(), "expression": string(), "values": array([:])], required: ["name", "expression"])),
                    "outputs": array(object(["name": string(), "type": string(), "values": array([:]), "default": [:]], required: ["name"])),
                    "rules": array(object(["when": array([:]), "then": array([:]), "note": string()], required: ["when", "then"])),
                    "tests": array(object(["name": string(), "input": ["type": "object"], "expect": [:]], required: ["input", "expect"])),
                ],
                required: ["decision", "inputs", "outputs", "rules"],
                extra: ["description": "A decision file written as JSON, with the fields of its YAML."])
        }

        static var decisionIssue: JSONValue {
            object(
                [
                    "field": string("The field in the file, such as `rules[2].when[0]`; empty for the file itself."),
                    "message": string(), "line": integer(), "column": integer(),
                ],
                required: ["field", "message", "line", "column"])
        }

        static var expressionValue: JSONValue {
            [
                "description": "A value: null, boolean, number, string, list, or a one-member object for a duration (`{\"duration\": seconds}`) or a date (`{\"date\": \"2026-01-31T10:00:00Z\"}`).",
                "oneOf": [
                    ["type": ["null", "boolean", "number", "string"]], ["type": "array", "items": ref("ExpressionValue")],
                    object(["duration": number("Seconds.")], required: ["duration"], closed: true),
                    object(["date": time()], required: ["date"], closed: true),
                ],
            ]
        }

        static var decisionTrace: JSONValue {
            object(
                [
                    "decision": string(), "version": integer("The published version; absent for an unpublished table."),
                    "hitPolicy": string(),
                    "inputs": array(object(
                        ["name": string(), "expression": string(), "value": ref("ExpressionValue")],
                        required: ["name", "expression", "value"])),
                    "matchedRules": array(integer("A rule that matched, from 1.")),
                    "selectedRules": array(integer("A rule whose outputs the result holds, from 1.")),
                    "outputs": array(object(["name": string(), "value": ref("ExpressionValue")], required: ["name", "value"])),
                    "failure": string("Why the table could not decide, such as several rules matching under UNIQUE."),
                ],
                required: ["decision", "hitPolicy", "inputs", "matchedRules", "selectedRules", "outputs"])
        }

        static var decisionSummaryFields: [String: JSONValue] {
            [
                "id": string(), "name": string(), "hitPolicy": string(), "version": integer(), "file": string(),
                "publishedAt": time(), "publishedBy": string(),
                "restores": integer("For a rollback: the version whose text was published again."),
                "rules": integer("How many rules the table has."),
            ]
        }

        static var decisionSummary: JSONValue {
            object(decisionSummaryFields, required: ["id", "name", "hitPolicy", "version", "file", "publishedAt", "publishedBy", "rules"])
        }

        static var decision: JSONValue {
            var fields = decisionSummaryFields
            fields["latest"] = ["type": "boolean", "description": "Whether this version decides new tasks."]
            fields["yaml"] = string("The file's text, exactly as published.")
            fields["warnings"] = array(ref("DecisionIssue"))
            fields["inputs"] = array(object(
                ["name": string(), "expression": string(), "values": array(ref("ExpressionValue"))], required: ["name", "expression"]))
            fields["outputs"] = array(object(
                ["name": string(), "values": array(ref("ExpressionValue")), "default": ref("ExpressionValue")], required: ["name"]))
            fields["tests"] = integer("How many example cases the file holds.")
            return object(
                fields,
                required: [
                    "id", "name", "hitPolicy", "version", "latest", "file", "publishedAt", "publishedBy", "yaml", "warnings",
                    "inputs", "outputs", "rules", "tests",
                ])
        }

        static var decisionValidation: JSONValue {
            object(
                [
                    "valid": ["type": "boolean", "description": "Whether publishing would be accepted."],
                    "id": string(), "name": string(), "hitPolicy": string(),
                    "issues": array(ref("DecisionIssue")), "warnings": array(ref("DecisionIssue")),
                    "examples": array(ref("DecisionExample")),
                    "latestVersion": integer("The version published under this id now."),
                    "unchanged": ["type": "boolean", "description": "Whether the text is the latest version's."],
                ],
                required: ["valid", "issues", "warnings", "examples"])
        }

        static var decisionEvaluation: JSONValue {
            object(
                [
                    "id": string(), "version": integer(),
                    "outputs": ["type": "object", "additionalProperties": ref("ExpressionValue")],
                    "trace": ref("DecisionTrace"),
                ],
                required: ["id", "outputs", "trace"])
        }

        static var resolution: JSONValue {
            object(
                [
                    "resolution": enumeration(["resume", "complete", "cancel"]),
                    "step": string("For resume: the step to wait at; the current step when left out."),
                    "note": string("How it was resolved."),
                ],
                required: ["resolution", "note"])
        }

        // MARK: - Metrics

        static var metrics: JSONValue {
            let seconds = number("Seconds.")
            let share = ["type": "number", "minimum": 0, "maximum": 1] as JSONValue
            let queueMeasures = object(
                [
                    "id": string(), "waiting": integer(), "entered": integer(), "answered": integer(),
                    "throughputPerHour": number(), "waitP50": seconds, "waitP90": seconds,
                    "serviceLevel": object(
                        ["target": share, "within": seconds, "attained": share, "met": ["type": "boolean"]],
                        required: ["target", "within"]),
                    "exceptionRate": share, "stale": integer("Waiting longer than the service-level threshold now."),
                    "offerRejections": integer(), "offerTimeouts": integer(), "escalations": integer(),
                ],
                required: ["id", "waiting", "entered", "answered", "serviceLevel", "stale"])
            let workflowMeasures = object(
                [
                    "id": string(), "created": integer(), "completed": integer(), "cancelled": integer(),
                    "throughputPerHour": number(), "cycleTimeP50": seconds, "cycleTimeP90": seconds,
                    "exceptionRate": share, "costPerTask": number(),
                ],
                required: ["id", "created", "completed", "cancelled"])
            let workerMeasures = object(
                [
                    "id": string(), "status": string(), "load": integer(), "stepsCompleted": integer(),
                    "utilization": share, "busySeconds": seconds, "cost": number(),
                ],
                required: ["id", "status", "load", "stepsCompleted", "busySeconds", "cost"])
            return object(
                [
                    "asOf": time(), "since": ["type": ["string", "null"], "format": "date-time"], "logPosition": integer(),
                    "queues": array(queueMeasures), "workflows": array(workflowMeasures), "workers": array(workerMeasures),
                ],
                required: ["asOf", "logPosition", "queues", "workflows", "workers"])
        }

        // MARK: - Helpers

        static func object(
            _ properties: [String: JSONValue], required: [String] = [], closed: Bool = false, extra: [String: JSONValue] = [:]
        ) -> JSONValue {
            var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
            if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
            if closed { schema["additionalProperties"] = false }
            schema.merge(extra) { _, new in new }
            return .object(schema)
        }

        static func page(_ item: String) -> JSONValue {
            object(["items": array(ref(item)), "count": integer()], required: ["items", "count"])
        }

        static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

        static func string(_ description: String? = nil) -> JSONValue { typed("string", description) }

        static func integer(_ description: String? = nil) -> JSONValue { typed("integer", description) }

        static func number(_ description: String? = nil) -> JSONValue { typed("number", description) }

        static func time() -> JSONValue { ["type": "string", "format": "date-time"] }

        static func enumeration(_ values: [String]) -> JSONValue {
            ["type": "string", "enum": .array(values.map(JSONValue.string))]
        }

        private static func typed(_ type: String, _ description: String?) -> JSONValue {
            var schema: [String: JSONValue] = ["type": .string(type)]
            if let description { schema["description"] = .string(description) }
            return .object(schema)
        }
    }
}
