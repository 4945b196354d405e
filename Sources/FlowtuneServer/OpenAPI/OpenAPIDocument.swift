import FlowtuneCore
import Foundation

/// The OpenAPI 3.1 description of the API, served at `/openapi.json`.
///
/// Written out here by hand, path by path, rather than generated from the route catalog: a test
/// holds the two against each other, so a route added without documentation, or documentation
/// left behind by a removed route, fails the build's tests. Each operation names its access in
/// `x-flowtune-access`, which the same test compares with the catalog's.
enum OpenAPIDocument {
    /// The document as JSON, encoded once.
    static let data: Data = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }()

    /// The document.
    static var document: JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Flowtune API",
                "version": "1",
                "summary": "Route work to the right worker, watch the exception lane, measure and audit every decision.",
                "description": """
                    Every route except `/health` and `/openapi.json` needs an API key, sent as \
                    `Authorization: Bearer KEY` or `X-API-Key: KEY`. A key has one role: admin (everything), \
                    operator (read; overrides, exceptions, workers), worker (its own offers and tasks), \
                    viewer (read only). Errors are RFC 9457 problem documents naming the field at fault. \
                    Times are ISO 8601 in UTC. Definition resources (workflows, queues, workers) use the \
                    snake_case fields of definition files; durations are written like `90s`, `15m`, `4h`. \
                    Decision tables are published as their YAML files; each publication is a new, \
                    immutable version, and a rollback publishes an earlier version's text again.
                    """,
            ],
            "servers": [["url": "/"]],
            "security": [["bearerKey": []], ["headerKey": []]],
            "tags": .array(["system", "tasks", "workflows", "decisions", "queues", "workers", "exceptions", "metrics", "audit", "events", "webhooks", "planning"].map {
                ["name": .string($0)]
            }),
            "paths": withPlanning(paths: paths),
            "components": ["securitySchemes": securitySchemes, "schemas": withPlanning(schemas: Schemas.all), "responses": standardResponses],
        ]
    }

    // MARK: - Paths

    private static var paths: JSONValue {
        [
            "/health": [
                "get": operation(
                    "Liveness check", tag: "system", access: .open,
                    responses: ["200": json("The server is up.", "Health")]),
            ],
            "/openapi.json": [
                "get": operation(
                    "This document", tag: "system", access: .open,
                    responses: ["200": ["description": "The OpenAPI 3.1 document.", "content": ["application/json": ["schema": ["type": "object"]]]]]),
            ],
            "/metrics": [
                "get": operation(
                    "Prometheus measures", tag: "metrics", access: .read,
                    description: "Request rates and latencies per route pattern, routing-decision latency, queue depths, service level, exception lane, in the Prometheus text format.",
                    responses: ["200": ["description": "The text exposition.", "content": ["text/plain": ["schema": ["type": "string"]]]]]),
            ],
            "/v1/webhooks": [
                "post": operation(
                    "Subscribe a URL to events", tag: "webhooks", access: .administer,
                    description: "Deliveries are signed with HMAC-SHA256 over the timestamp and body, retried with exponential backoff, at least once; the event id (`Flowtune-Event-Id`) lets the receiver drop repeats. The secret is shown only in this response.",
                    body: jsonBody("NewWebhook"),
                    responses: ["201": json("The subscription, with its secret.", "WebhookSubscription")]),
                "get": operation(
                    "List webhook subscriptions", tag: "webhooks", access: .administer,
                    responses: ["200": json("Subscriptions, without secrets.", "WebhookPage")]),
            ],
            "/v1/webhooks/{id}": [
                "delete": operation(
                    "Delete a subscription", tag: "webhooks", access: .administer,
                    parameters: [path("id", "Subscription id")],
                    responses: ["204": ["description": "Deleted; no more deliveries."]]),
            ],
            "/v1/webhooks/{id}/deliveries": [
                "get": operation(
                    "A subscription's delivery log", tag: "webhooks", access: .administer,
                    parameters: [path("id", "Subscription id"), query("limit", "At most this many, up to 1000 (default 100)", type: "integer")],
                    responses: ["200": json("Delivery attempts, newest first.", "DeliveryPage"), "400": problem("A bad limit.")]),
            ],
            "/v1/tasks": [
                "post": operation(
                    "Create a task", tag: "tasks", access: .administer,
                    description: "Creates a task and routes it at once. Retries with the same `Idempotency-Key` return the task already made (200); the key reused with another request is a 422.",
                    parameters: [header("Idempotency-Key", "Makes retries safe: one task per key.")],
                    body: jsonBody("NewTask"),
                    responses: ["201": json("Created and routed.", "Task"), "200": json("A retry: the task this key made.", "Task"), "409": problem("The task this key made has finished.")]),
                "get": operation(
                    "List and filter open tasks", tag: "tasks", access: .readOrOwn,
                    description: "A worker key sees only tasks offered or assigned to its worker.",
                    parameters: [
                        query("state", "queued, offered, assigned or held"), query("queue", "Queue id"),
                        query("lane", "routine or exception"), query("step", "Step id"), query("workflow", "Workflow id"),
                        query("min_age", "Only tasks older than this duration, such as 15m"),
                        query("limit", "At most this many (default 500)", type: "integer"),
                    ],
                    responses: ["200": json("Open tasks, oldest first.", "TaskPage"), "400": problem("A bad query parameter, named in `field`.")]),
            ],
            "/v1/tasks/{id}": [
                "get": operation(
                    "A task with its full history", tag: "tasks", access: .readOrOwn,
                    description: "Every event of the task, each routing decision with its explanation: candidates, scores, and why the runner-up lost.",
                    parameters: [path("id", "Task id")],
                    responses: ["200": json("The task, or how it finished, and its history.", "TaskWithHistory")]),
            ],
            "/v1/tasks/{id}/accept": [
                "post": operation(
                    "Accept an offer", tag: "tasks", access: .work,
                    description: "A worker key accepts for its worker; an admin names the worker in the body.",
                    parameters: [path("id", "Task id")], body: jsonBody("WorkerChoice", required: false),
                    responses: ["200": json("The task, now assigned.", "Task"), "409": problem("No open offer, or it expired.")]),
            ],
            "/v1/tasks/{id}/reject": [
                "post": operation(
                    "Reject an offer", tag: "tasks", access: .work,
                    parameters: [path("id", "Task id")], body: jsonBody("WorkerChoice", required: false),
                    responses: ["200": json("The task, routed again.", "Task"), "409": problem("No open offer.")]),
            ],
            "/v1/tasks/{id}/complete": [
                "post": operation(
                    "Complete the current step", tag: "tasks", access: .work,
                    description: "Evidence the step requires must be given; the outcome picks the next step.",
                    parameters: [path("id", "Task id")], body: jsonBody("Completion"),
                    responses: ["200": json("The task at its next step, or finished.", "TaskOrOutcome"), "409": problem("The task is not assigned to the worker.")]),
            ],
            "/v1/tasks/{id}/cancel": [
                "post": operation(
                    "Cancel a task", tag: "tasks", access: .operate,
                    parameters: [path("id", "Task id")], body: jsonBody("Reason"),
                    responses: ["200": json("How the task finished.", "TaskOrOutcome")]),
            ],
            "/v1/tasks/{id}/exception": [
                "post": operation(
                    "Flag a task as an exception", tag: "tasks", access: .operateOrOwn,
                    description: "Moves the task to the exception lane with a reason. A worker key may flag its own tasks.",
                    parameters: [path("id", "Task id")], body: jsonBody("Reason"),
                    responses: ["200": json("The task, now in the exception lane.", "Task"), "409": problem("Already in the exception lane.")]),
            ],
            "/v1/tasks/{id}/override": [
                "post": operation(
                    "Override a decision", tag: "exceptions", access: .operate,
                    description: "Reassign the task, set its priority, or move it to a lane — exactly one — with a reason. The caller is recorded as the actor.",
                    parameters: [path("id", "Task id")], body: jsonBody("Override"),
                    responses: ["200": json("The task after the override.", "Task"), "409": problem("The change does not fit the task's state, such as a worker with no free capacity.")]),
            ],
            "/v1/workflows": [
                "post": operation(
                    "Upload a definition document", tag: "workflows", access: .administer,
                    description: "A definition file in YAML or JSON: workflows, and any queues, workers and workspace settings it holds. Workflows may use queues and workers the workspace already has. Every problem is reported at once in `errors`, each with its field, line and column; nothing is applied unless the whole document is valid.",
                    body: [
                        "required": true,
                        "content": [
                            "application/yaml": ["schema": ref("DefinitionDocument")],
                            "application/json": ["schema": ref("DefinitionDocument")],
                        ],
                    ],
                    responses: ["201": json("What the document defined.", "UploadResult"), "415": problem("Neither YAML nor JSON.")]),
                "get": operation(
                    "List workflows", tag: "workflows", access: .read,
                    responses: ["200": json("The latest version of each workflow.", "WorkflowPage")]),
            ],
            "/v1/workflows/{id}": [
                "get": operation(
                    "A workflow's latest version", tag: "workflows", access: .read,
                    parameters: [path("id", "Workflow id")], responses: ["200": json("The workflow.", "Workflow")]),
            ],
            "/v1/workflows/{id}/versions": [
                "get": operation(
                    "Every version of a workflow", tag: "workflows", access: .read,
                    parameters: [path("id", "Workflow id")], responses: ["200": json("Versions, oldest first.", "WorkflowVersions")]),
            ],
            "/v1/decisions": [
                "post": operation(
                    "Publish a decision table", tag: "decisions", access: .administer,
                    description: "The decision file's YAML text (or the decision written as JSON, or `{\"file\": ..., \"yaml\": ...}`). The file is read, compiled and checked, and its example cases (`tests:`) are run; it is published as the decision's next version only if it has no errors and every example passes. Load errors come back at once in `errors`, each with field, line and column; failing examples are a 422 titled `Failing examples` whose `errors` name each example (`tests[i]`) with its mismatches, and whose `examples` member carries their traces. Publishing the text of the latest version again changes nothing (200). Static-check warnings do not stop publishing and are returned in `warnings`.",
                    parameters: [query("file", "The file name to record with the version; the decision id with `.yaml` when left out.")],
                    body: decisionFileBody,
                    responses: [
                        "201": json("Published as a new version.", "Decision"),
                        "200": json("The text is the latest version's; nothing changed.", "Decision"),
                        "415": problem("Neither YAML nor JSON."),
                        "422": problem("Load errors (every one in `errors`, with field, line and column), or failing examples (each in `errors` as `tests[i]`, their traces in `examples`)."),
                    ]),
                "get": operation(
                    "List decisions", tag: "decisions", access: .read,
                    responses: ["200": json("The latest version of each decision.", "DecisionSummaryPage")]),
            ],
            "/v1/decisions/validate": [
                "post": operation(
                    "Validate a decision table", tag: "decisions", access: .read,
                    description: "Runs every check publishing runs, and publishes nothing. The answer is 200 whether or not the file is valid: `issues` lists load errors with field, line and column, `warnings` the static checks' findings, `examples` every example case with its mismatches and trace.",
                    parameters: [query("file", "The file name to report problems under.")],
                    body: decisionFileBody,
                    responses: ["200": json("What the checks found.", "DecisionValidation"), "415": problem("Neither YAML nor JSON.")]),
            ],
            "/v1/decisions/evaluate": [
                "post": operation(
                    "Evaluate an unpublished decision table", tag: "decisions", access: .read,
                    description: "Evaluates the table in `yaml` on `input` and returns the trace: values read, rules matched and selected, outputs. A file that does not load is a 422 listing its errors.",
                    body: jsonBody("UploadedEvaluation"),
                    responses: ["200": json("The outputs and the trace.", "DecisionEvaluation")]),
            ],
            "/v1/decisions/{id}": [
                "get": operation(
                    "A decision's latest version", tag: "decisions", access: .read,
                    description: "The version deciding new tasks, with its YAML text, its warnings, and its inputs, outputs and rule count.",
                    parameters: [path("id", "Decision id")], responses: ["200": json("The decision.", "Decision")]),
            ],
            "/v1/decisions/{id}/versions": [
                "get": operation(
                    "Every version of a decision", tag: "decisions", access: .read,
                    parameters: [path("id", "Decision id")],
                    responses: ["200": json("Versions, oldest first.", "DecisionVersions")]),
            ],
            "/v1/decisions/{id}/versions/{version}": [
                "get": operation(
                    "One version of a decision", tag: "decisions", access: .read,
                    description: "A published version never changes: its text is what was published.",
                    parameters: [path("id", "Decision id"), path("version", "Version number, from 1", type: "integer")],
                    responses: ["200": json("The version.", "Decision"), "400": problem("A version that is not a whole number.")]),
            ],
            "/v1/decisions/{id}/evaluate": [
                "post": operation(
                    "Evaluate a published decision", tag: "decisions", access: .read,
                    description: "Evaluates the latest version, or `version`, on `input` and returns the trace with the version that decided.",
                    parameters: [path("id", "Decision id")], body: jsonBody("PublishedEvaluation"),
                    responses: ["200": json("The outputs and the trace.", "DecisionEvaluation")]),
            ],
            "/v1/decisions/{id}/rollback": [
                "post": operation(
                    "Roll a decision back", tag: "decisions", access: .administer,
                    description: "Publishes an earlier version's text again as the next version, which records the version it restores. The reason is kept in the event's cause.",
                    parameters: [path("id", "Decision id")], body: jsonBody("Rollback"),
                    responses: ["201": json("The new version.", "Decision")]),
            ],
            "/v1/queues": [
                "post": operation(
                    "Define a queue", tag: "queues", access: .administer,
                    body: definitionBody("QueueDefinition"),
                    responses: ["201": json("The queue.", "Queue"), "409": problem("A queue with this id exists.")]),
                "get": operation(
                    "List queues", tag: "queues", access: .read,
                    responses: ["200": json("Queues with their waiting counts.", "QueuePage")]),
            ],
            "/v1/queues/{id}": [
                "get": operation(
                    "A queue", tag: "queues", access: .read,
                    parameters: [path("id", "Queue id")], responses: ["200": json("The queue.", "Queue")]),
                "put": operation(
                    "Redefine a queue", tag: "queues", access: .administer,
                    description: "Replaces the queue's definition. The body's id may be left out; if given it must match the path.",
                    parameters: [path("id", "Queue id")], body: definitionBody("QueueDefinition"),
                    responses: ["200": json("The queue.", "Queue")]),
            ],
            "/v1/workers": [
                "post": operation(
                    "Register a worker", tag: "workers", access: .operate,
                    body: definitionBody("WorkerDefinition"),
                    responses: ["201": json("The worker.", "Worker"), "409": problem("A worker with this id exists.")]),
                "get": operation(
                    "List workers", tag: "workers", access: .read,
                    parameters: [query("status", "available, away or offline"), query("team", "Team name")],
                    responses: ["200": json("Workers with load, status and idle time.", "WorkerPage")]),
            ],
            "/v1/workers/{id}": [
                "get": operation(
                    "A worker", tag: "workers", access: .read,
                    parameters: [path("id", "Worker id")], responses: ["200": json("The worker.", "Worker")]),
                "put": operation(
                    "Replace a worker's profile", tag: "workers", access: .operate,
                    description: "A profile without `status` keeps the worker's current status.",
                    parameters: [path("id", "Worker id")], body: definitionBody("WorkerDefinition"),
                    responses: ["200": json("The worker.", "Worker")]),
            ],
            "/v1/workers/{id}/status": [
                "post": operation(
                    "Change a worker's status", tag: "workers", access: .operateOrOwn,
                    description: "A worker key may set its own worker's status. Going away or offline withdraws open offers.",
                    parameters: [path("id", "Worker id")], body: jsonBody("StatusChange"),
                    responses: ["200": json("The worker.", "Worker")]),
            ],
            "/v1/workers/{id}/skills": [
                "put": operation(
                    "Replace a worker's skills", tag: "workers", access: .operate,
                    parameters: [path("id", "Worker id")], body: jsonBody("SkillsChange"),
                    responses: ["200": json("The worker.", "Worker")]),
            ],
            "/v1/exceptions": [
                "get": operation(
                    "The exception lane", tag: "exceptions", access: .read,
                    description: "Tasks in the exception lane, oldest due first, each with owner, due time, reason, context and recommended action.",
                    parameters: [query("owner", "Only items this owner must act on"), query("claimed", "true or false", type: "boolean")],
                    responses: ["200": json("The lane.", "TaskPage"), "400": problem("A bad query parameter.")]),
            ],
            "/v1/exceptions/{id}/claim": [
                "post": operation(
                    "Claim an exception item", tag: "exceptions", access: .operate,
                    parameters: [path("id", "Task id")],
                    responses: ["200": json("The task, claimed by the caller.", "Task"), "409": problem("Not in the exception lane, or claimed by someone else.")]),
            ],
            "/v1/exceptions/{id}/resolve": [
                "post": operation(
                    "Resolve an exception item", tag: "exceptions", access: .operate,
                    parameters: [path("id", "Task id")], body: jsonBody("Resolution"),
                    responses: ["200": json("The task resumed, or how it finished.", "TaskOrOutcome"), "409": problem("Not in the exception lane.")]),
            ],
            "/v1/exceptions/{id}/reassign": [
                "post": operation(
                    "Hand an exception item to a worker", tag: "exceptions", access: .operate,
                    description: "An override: the task goes back to the routine path, assigned to the worker named.",
                    parameters: [path("id", "Task id")], body: jsonBody("Reassignment"),
                    responses: ["200": json("The task, assigned.", "Task"), "409": problem("Not in the exception lane, or the worker has no free capacity.")]),
            ],
            "/v1/reallocations": [
                "get": operation(
                    "Proposed moves between queues", tag: "workers", access: .operate,
                    description: "Moves of flexible workers to queues at risk, from the real-time reallocation pass: pending ones oldest first, then the most recently applied or declined. Moves within the automatic cost limit are applied as proposed (`decidedBy` `system`).",
                    parameters: [query("status", "pending, applied or declined")],
                    responses: ["200": json("The proposals.", "ReallocationPage"), "400": problem("An unknown status.")]),
            ],
            "/v1/reallocations/{id}/approve": [
                "post": operation(
                    "Approve a proposed move", tag: "workers", access: .operate,
                    description: "The worker serves the proposal's queue from now on and takes its waiting work.",
                    parameters: [path("id", "Proposal id")],
                    responses: ["200": json("The proposal, applied.", "Reallocation"), "409": problem("Already decided, or the worker is no longer available, flexible or eligible for the queue.")]),
            ],
            "/v1/reallocations/{id}/decline": [
                "post": operation(
                    "Decline a proposed move", tag: "workers", access: .operate,
                    parameters: [path("id", "Proposal id")], body: jsonBody("DeclineReason"),
                    responses: ["200": json("The proposal, declined.", "Reallocation"), "409": problem("Already decided.")]),
            ],
            "/v1/metrics": [
                "get": operation(
                    "Operational measures", tag: "metrics", access: .read,
                    description: "Per queue: throughput, wait p50/p90, service-level attainment against target, exception rate, stale items. Per workflow: throughput, cycle time p50/p90, exception rate, cost per task. Per worker: steps, utilization, cost.",
                    responses: ["200": json("The measures.", "Metrics")]),
            ],
            "/v1/audit": [
                "get": operation(
                    "Query the event log", tag: "audit", access: .read,
                    description: "Events in log order, filtered by task, actor and time. Page with `after` = the previous page's `next`.",
                    parameters: [
                        query("task", "Task id"), query("actor", "Who acted: a worker id, `key:NAME`, or `system`"),
                        query("from", "ISO 8601 time, inclusive", format: "date-time"),
                        query("to", "ISO 8601 time, inclusive", format: "date-time"),
                        query("limit", "At most this many, 1–10000 (default 100)", type: "integer"),
                        query("after", "Only events after this log sequence", type: "integer"),
                    ],
                    responses: ["200": json("Matching events.", "AuditPage"), "400": problem("A bad time or number, named in `field`.")]),
            ],
            "/v1/events": [
                "get": operation(
                    "Live events (Server-Sent Events)", tag: "events", access: .read,
                    description: "Each event as `id:` (log sequence), `event:` (type) and `data:` (the Event JSON). Reconnect with `Last-Event-ID` to get what was missed, then the live feed, nothing twice. Comment lines are heartbeats.",
                    parameters: [
                        header("Last-Event-ID", "Resume after this event id.", type: "integer"),
                        query("after", "Resume after this event id, for clients that cannot set headers", type: "integer"),
                        query("types", "Comma-separated event types to send, such as TaskRouted,OfferAccepted"),
                    ],
                    responses: [
                        "200": [
                            "description": "An endless stream of events.",
                            "content": ["text/event-stream": ["schema": ["type": "string"], "x-event-data": ref("Event")]],
                        ],
                        "400": problem("A Last-Event-ID that is not an event id."),
                    ]),
            ],
        ]
    }

    // MARK: - Building blocks

    /// An operation, with the problem responses every operation of its kind can give.
    static func operation(
        _ summary: String, tag: String, access: RouteAccess, description: String? = nil,
        parameters: [JSONValue] = [], body: JSONValue? = nil, responses: [String: JSONValue]
    ) -> JSONValue {
        var all = responses
        if access != .open {
            all["401"] = ["$ref": "#/components/responses/Unauthorized"]
            all["403"] = ["$ref": "#/components/responses/Forbidden"]
            all["default"] = ["$ref": "#/components/responses/Problem"]
        }
        if parameters.contains(where: { $0["in"] == "path" }) {
            all["404"] = all["404"] ?? problem("No such resource; `field` names the parameter.")
        }
        if body != nil {
            all["400"] = all["400"] ?? problem("Malformed JSON, or an empty body.")
            all["413"] = ["$ref": "#/components/responses/TooLarge"]
            all["422"] = all["422"] ?? problem("A field is missing, of the wrong type or out of range; `field` names it, `errors` lists every problem of a definition.")
        }
        var fields: [String: JSONValue] = [
            "summary": .string(summary), "tags": [.string(tag)], "responses": .object(all),
            "operationId": .string(operationID(summary)), "x-flowtune-access": .string(access.rawValue),
        ]
        if let description { fields["description"] = .string(description) }
        if !parameters.isEmpty { fields["parameters"] = .array(parameters) }
        if let body { fields["requestBody"] = body }
        if access == .open { fields["security"] = [] }
        return .object(fields)
    }

    private static func operationID(_ summary: String) -> String {
        let words = summary.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        return words.enumerated().map { $0.offset == 0 ? $0.element.lowercased() : $0.element.capitalized }.joined()
    }

    static func ref(_ schema: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(schema)")] }

    static func json(_ description: String, _ schema: String) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": ref(schema)]]]
    }

    static func problem(_ description: String) -> JSONValue {
        ["description": .string(description), "content": ["application/problem+json": ["schema": ref("Problem")]]]
    }

    private static func jsonBody(_ schema: String, required: Bool = true) -> JSONValue {
        ["required": .bool(required), "content": ["application/json": ["schema": ref(schema)]]]
    }

    private static func definitionBody(_ schema: String) -> JSONValue {
        [
            "required": true,
            "description": "The fields of the item in a definition file, as JSON or YAML.",
            "content": ["application/json": ["schema": ref(schema)], "application/yaml": ["schema": ref(schema)]],
        ]
    }

    private static func path(_ name: String, _ description: String, type: String = "string") -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "description": .string(description), "schema": ["type": .string(type)]]
    }

    /// A decision file: its YAML text, the decision as JSON, or the JSON wrapper with a file name.
    private static var decisionFileBody: JSONValue {
        [
            "required": true,
            "description": "The decision file. YAML (also sent as `text/plain` or without a content type), or JSON: the decision itself, or `{\"file\": ..., \"yaml\": ...}`.",
            "content": [
                "application/yaml": ["schema": ["type": "string", "description": "The decision file's text."]],
                "application/json": ["schema": ["oneOf": [ref("DecisionUpload"), ref("DecisionFile")]]],
            ],
        ]
    }

    static func query(_ name: String, _ description: String, type: String = "string", format: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string(type)]
        if let format { schema["format"] = .string(format) }
        return ["name": .string(name), "in": "query", "description": .string(description), "schema": .object(schema)]
    }

    private static func header(_ name: String, _ description: String, type: String = "string") -> JSONValue {
        ["name": .string(name), "in": "header", "description": .string(description), "schema": ["type": .string(type)]]
    }

    private static var securitySchemes: JSONValue {
        [
            "bearerKey": ["type": "http", "scheme": "bearer", "description": "An API key as a bearer token."],
            "headerKey": ["type": "apiKey", "in": "header", "name": "X-API-Key", "description": "An API key in its own header."],
        ]
    }

    private static var standardResponses: JSONValue {
        func shared(_ description: String) -> JSONValue {
            ["description": .string(description), "content": ["application/problem+json": ["schema": ref("Problem")]]]
        }
        return [
            "Unauthorized": shared("No API key, or one that matches no configured key."),
            "Forbidden": shared("The key's role does not grant this, or a worker key acts outside its own work."),
            "TooLarge": shared("The body is over the configured limit."),
            "Problem": shared("Any other problem, as an RFC 9457 document."),
        ]
    }
}
