import FlowtuneCore

extension OpenAPIDocument {
    /// `paths` with the planning operations added.
    static func withPlanning(paths: JSONValue) -> JSONValue {
        guard case .object(var members) = paths else { return paths }
        members.merge(planningPaths) { existing, _ in existing }
        return .object(members)
    }

    /// `schemas` with the planning bodies added.
    static func withPlanning(schemas: JSONValue) -> JSONValue {
        guard case .object(var members) = schemas else { return schemas }
        members.merge(planningSchemas) { existing, _ in existing }
        return .object(members)
    }

    /// The planning operations: one shape of request, three computations.
    private static var planningPaths: [String: JSONValue] {
        func planning(_ summary: String, access: RouteAccess, description: String, result: String, extra: String) -> JSONValue {
            [
                "post": operation(
                    summary, tag: "planning", access: access,
                    description: description + " " + planningInputText + " " + extra,
                    parameters: planningQuery, body: planningBody,
                    responses: [
                        "200": [
                            "description": .string("The \(result), as JSON, CSV or an HTML page with SVG charts."),
                            "content": [
                                "application/json": ["schema": ref(result)],
                                "text/csv": ["schema": ["type": "string"]],
                                "text/html": ["schema": ["type": "string"]],
                            ],
                        ],
                        "400": problem("Malformed JSON, or an unknown `format`."),
                        "415": problem("A body that is neither JSON nor CSV."),
                        "422": problem("A parameter out of range or unknown, a CSV row that cannot be read (`errors` gives its line, column and CSV column), a queue with no arrivals, a history too short to backtest, a target no staffing reaches, or templates that cannot cover; `field` names it."),
                    ]),
            ]
        }
        return [
            "/v1/forecasts": planning(
                "Forecast arrivals per queue and interval", access: .read,
                description: "Each queue's arrivals per interval for `horizon_days`, by the method a rolling-origin backtest (WAPE, MASE) picks, with 80% and 95% prediction bounds, and its handling time when the history has one.",
                result: "ForecastReport", extra: "Reads and computes; changes nothing."),
            "/v1/staffing": planning(
                "Staff needed per interval", access: .read,
                description: "Forecasts as `/v1/forecasts` does, then per interval the fewest agents keeping `target` (Erlang C, or Erlang A with `patience`) under `max_occupancy`, and the staff to schedule after `shrinkage`.",
                result: "StaffingReport", extra: "Reads and computes; changes nothing."),
            "/v1/schedules": planning(
                "Shift starts covering the staff needed", access: .operate,
                description: "Staffs as `/v1/staffing` does for one queue, then solves the covering integer program exactly (CBC) within `time_limit`: workers per shift template at least cost, with the proven bound and gap.",
                result: "ScheduleReport",
                extra: "Operator or admin: a solve holds the server's one solver for up to its time limit, so read-only keys cannot queue solves ahead of the people building rosters."),
        ]
    }

    private static let planningInputText = """
        The history is the workspace's event log (tasks per workflow by creation time, handled from acceptance to their step's completion) \
        unless a CSV of arrivals (`timestamp,queue[,handling_seconds]`, ISO 8601 times) is sent: as the `text/csv` body with the \
        parameters in the query string, or as the `csv` member of a JSON body. Answers JSON unless `format` or `Accept` asks for \
        CSV or HTML. Bodies over the configured limit are refused (413).
        """

    private static var planningQuery: [JSONValue] {
        [
            query("format", "json (default), csv or html; otherwise the Accept header decides"),
            query("interval", "With a CSV body: any parameter of PlanningRequest may be given here instead, such as interval=30"),
        ]
    }

    private static var planningBody: JSONValue {
        [
            "required": false,
            "description": "Planning parameters as JSON (with the CSV in `csv`), or a CSV of arrivals. No body: the workspace's log with the defaults.",
            "content": [
                "application/json": ["schema": ref("PlanningRequest")],
                "text/csv": ["schema": ["type": "string", "description": "timestamp,queue[,handling_seconds] per arrival"]],
            ],
        ]
    }

    private static var planningSchemas: [String: JSONValue] {
        typealias S = Schemas
        let duration: JSONValue = ["oneOf": [S.string("A duration such as 20s, 5m, 8h30m"), S.number("Seconds")]]
        let template = S.object(
            [
                "name": S.string(), "start": S.string("Time of day on the interval grid, such as 07:00"),
                "length": S.string("With breaks, such as 8h30m"),
                "breaks": S.array(S.object(["after": S.string("Such as 4h"), "length": S.string("Such as 30m")], required: ["after", "length"])),
                "days": S.array(S.enumeration(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])),
                "cost": S.number("Per worker over the horizon; 1 (a head) by default"),
            ],
            required: ["name", "start", "length"], closed: true)
        let report = "As `flowtune %@ --json` prints it."
        return [
            "PlanningRequest": S.object(
                [
                    "csv": S.string("Arrivals: timestamp,queue[,handling_seconds]; without it the workspace's log"),
                    "queue": S.string("Only this queue (a workflow, for the log)"),
                    "interval": S.enumeration(["15", "30", "60"]).merging(["type": ["integer", "string"], "description": "Minutes per interval (15 by default)"]),
                    "zone": S.string("Bucket in this zone: a tz name, UTC or +01:00; by default a CSV's written wall clock, UTC for the log"),
                    "horizon_days": S.integer("Days to forecast, 1–28 (1)"),
                    "backtest_days": S.integer("Days the methods are backtested over (20)"),
                    "method": S.enumeration(["automatic"] + ["same-interval-yesterday", "same-interval-last-week", "mean-of-last-four-weekdays", "holt-winters-additive", "holt-winters-multiplicative"]),
                    "timestamp_column": S.string(), "queue_column": S.string(), "handling_column": S.string(),
                    "target": S.string("Such as \"80% in 20s\" (the default)"),
                    "max_occupancy": S.number("Such as 0.85"), "max_abandonment": S.number("With patience, such as 0.05"),
                    "patience": duration, "shrinkage": S.number("Share of paid time off the queue, [0, 1)"),
                    "handling_time": duration, "minimum_agents": S.integer(),
                    "closed_below": S.number("Intervals forecast below this many calls are closed (0.1)"),
                    "templates": S.array(template), "time_limit": duration,
                ],
                closed: true),
            "ForecastReport": S.object(
                ["source": S.string(), "utcOffset": S.integer(), "queues": S.array(["type": "object"])], required: ["source", "queues"],
                extra: ["description": .string(report.replacingOccurrences(of: "%@", with: "forecast"))]),
            "StaffingReport": S.object(
                ["source": S.string(), "utcOffset": S.integer(), "queues": S.array(["type": "object"])], required: ["source", "queues"],
                extra: ["description": .string(report.replacingOccurrences(of: "%@", with: "staff"))]),
            "ScheduleReport": S.object(
                [
                    "queue": S.string(), "source": S.string(), "utcOffset": S.integer(), "start": S.number(), "interval": S.number(),
                    "templates": S.array(["type": "object"]), "required": S.array(S.integer()), "schedule": ["type": "object"],
                    "timeLimit": S.number(),
                ],
                required: ["queue", "source", "templates", "required", "schedule"],
                extra: ["description": .string(report.replacingOccurrences(of: "%@", with: "schedule"))]),
        ]
    }
}

private extension JSONValue {
    func merging(_ members: [String: JSONValue]) -> JSONValue {
        guard case .object(var own) = self else { return self }
        own.merge(members) { _, new in new }
        return .object(own)
    }
}
