/// Computes a ``LogAnalysis``: one pass over the instances for what belongs to a step
/// (ownership, marks, reassignments), then one pass case by case for everything that depends on
/// order (graphs, rework, ping-pong, promises, staleness), with scratch arrays sized once for the
/// longest case and numbers instead of names throughout.
struct AnalysisPass {
    let log: EventLog
    let rules: LogRules

    private struct ResolvedPromise {
        var name: String
        /// nil: the case's start; -1: an activity the log does not have.
        var anchor: Int32?
        var target: Int32
        var within: Double
        var kept = 0, breached = 0, overdue = 0, pending = 0, notReached = 0, notStarted = 0
        var times: [Double] = []
    }

    func run() -> LogAnalysis {
        let activityNames = log.activities.names
        let activityCount = activityNames.count
        let resourceCount = log.resources.count
        let groupCount = log.groups.count
        let caseCount = log.caseCount
        let instanceCount = log.instances.count

        let exceptionFlags = rules.exceptions.isEmpty
            ? [Bool](repeating: false, count: instanceCount) : rules.exceptions.flags(in: log)
        let rescueFlags = rules.rescue.isEmpty
            ? [Bool](repeating: false, count: instanceCount) : rules.rescue.flags(in: log)
        // +infinity: no window after that activity.
        let windows = activityNames.map { rules.window(after: $0) ?? .infinity }
        let isEnd = activityNames.map { Markers.matches($0, rules.endActivities) }
        let tracksOpenCases = !rules.endActivities.isEmpty

        // Pass 1: what belongs to each step, whatever the order.
        var stepInstances = [Int](repeating: 0, count: activityCount)
        var withoutResource = [Int](repeating: 0, count: activityCount)
        var withoutTeam = [Int](repeating: 0, count: activityCount)
        var reassignments = [Int](repeating: 0, count: activityCount)
        var reassigned = [Int](repeating: 0, count: activityCount)
        var marked = [Int](repeating: 0, count: activityCount)
        var rescued = [Int](repeating: 0, count: activityCount)
        var byResource = PairCounter(rows: activityCount, columns: resourceCount)
        var byTeam = PairCounter(rows: activityCount, columns: groupCount)
        var latest = -Double.infinity
        var longestCase = 0
        for c in 0..<caseCount { longestCase = max(longestCase, log.caseOffsets[c + 1] - log.caseOffsets[c]) }
        let instances = log.instances
        for (index, instance) in instances.enumerated() {
            let a = Int(instance.activity)
            stepInstances[a] += 1
            if instance.resource < 0 {
                withoutResource[a] += 1
            } else {
                byResource.add(instance.activity, instance.resource)
            }
            if instance.group < 0 {
                withoutTeam[a] += 1
            } else {
                byTeam.add(instance.activity, instance.group)
            }
            if instance.reassignments > 0 {
                reassignments[a] += Int(instance.reassignments)
                reassigned[a] += 1
            }
            if exceptionFlags[index] { marked[a] += 1 }
            if rescueFlags[index] { rescued[a] += 1 }
            latest = max(latest, instance.end, instance.orderTime)
        }
        let asOf = rules.asOf ?? (latest.isFinite ? latest : 0)
        let hasTeams = withoutTeam.reduce(0, +) < instanceCount

        let resourceTops = byResource.perRow()
        let teamTops = byTeam.perRow()
        var ownership: [StepOwnership] = []
        ownership.reserveCapacity(activityCount)
        for a in 0..<activityCount {
            let total = Double(max(stepInstances[a], 1))
            let noResourceShare = Double(withoutResource[a]) / total
            let topTeamShare = Double(teamTops[a].topCount) / total
            let unclarity = stepInstances[a] == 0 ? 0 : hasTeams ? (noResourceShare + 1 - topTeamShare) / 2 : noResourceShare
            ownership.append(StepOwnership(
                resources: resourceTops[a].distinct, teams: teamTops[a].distinct, withoutResource: withoutResource[a],
                withoutResourceShare: noResourceShare, withoutTeam: withoutTeam[a],
                withoutTeamShare: Double(withoutTeam[a]) / total,
                topResource: resourceTops[a].top >= 0 ? log.resources[resourceTops[a].top] : nil,
                topResourceShare: Double(resourceTops[a].topCount) / total,
                topTeam: teamTops[a].top >= 0 ? log.groups[teamTops[a].top] : nil, topTeamShare: topTeamShare,
                unclarity: unclarity))
        }
        let unclarity = ownership.map(\.unclarity)

        // Pass 2: case by case.
        let traversalsExpected = max(0, instanceCount - caseCount)
        var activityGraph = GraphAccumulator(nodeCount: activityCount, expectedTraversals: traversalsExpected)
        var teamGraph = GraphAccumulator(nodeCount: groupCount, expectedTraversals: hasTeams ? traversalsExpected : 0)
        var resourceGraph = GraphAccumulator(nodeCount: resourceCount, expectedTraversals: traversalsExpected)
        var resourcePingPong = PingPongTally(width: resourceCount)
        var teamPingPong = PingPongTally(width: groupCount)

        // Per activity, and per position in the case at hand: buffers rather than arrays, since
        // they are written for every instance and an array would check its uniqueness each time.
        let seen = Self.scratch(activityCount, Int32(0))
        let lastOwner = Self.scratch(activityCount, Int32(-1))
        let casesWith = Self.scratch(activityCount, 0)
        let reworkCases = Self.scratch(activityCount, 0)
        let repeats = Self.scratch(activityCount, 0)
        let ownerChanges = Self.scratch(activityCount, 0)
        let isRepeat = Self.scratch(longestCase, false)
        let ownerChanged = Self.scratch(longestCase, false)
        let exceptionFrom = Self.scratch(longestCase + 1, false)
        let resourceLegs = Self.scratch(longestCase, false)
        let teamLegs = Self.scratch(longestCase, false)
        let promiseLate = Self.scratch(longestCase, false)
        let resourceKeys = Self.scratch(longestCase, Int32(-1))
        let teamKeys = Self.scratch(longestCase, Int32(-1))
        defer {
            for buffer in [seen, lastOwner, resourceKeys, teamKeys] { buffer.deallocate() }
            for buffer in [casesWith, reworkCases, repeats, ownerChanges] { buffer.deallocate() }
            for buffer in [isRepeat, ownerChanged, exceptionFrom, resourceLegs, teamLegs, promiseLate] { buffer.deallocate() }
        }
        var touched: [Int32] = []
        var traversals = Traversals(expected: traversalsExpected)

        var cycleTimes = [Double](repeating: 0, count: caseCount)
        var variantOfCase = [Int32](repeating: 0, count: caseCount)
        var variantBuckets: [UInt64: [Int32]] = [:]
        var variantExample: [Int] = []
        var variantCases: [Int] = []

        var promises = rules.promises.map { promise -> ResolvedPromise in
            let anchor: Int32?
            switch promise.from {
            case .caseStart: anchor = nil
            case .activity(let name): anchor = log.activities.index(of: name) ?? -1
            }
            return ResolvedPromise(
                name: promise.name, anchor: anchor, target: log.activities.index(of: promise.to) ?? -1,
                within: promise.within)
        }

        var casesWithException = 0
        var casesRescued = 0
        var openCases = 0
        var staleCases: [(caseIndex: Int, instance: Int, waiting: Double, window: Double)] = []
        var handoffsWithWindow = 0
        var handoffsPastWindow = 0

        for c in 0..<caseCount {
            let lo = log.caseOffsets[c], hi = log.caseOffsets[c + 1], n = hi - lo
            let caseIndex = Int32(c)

            // Variant: hash the sequence, then compare with the variants sharing the hash.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(n)
            for k in lo..<hi {
                hash = (hash ^ UInt64(UInt32(bitPattern: instances[k].activity))) &* 0x0000_0100_0000_01b3
            }
            var variant: Int32 = -1
            if let candidates = variantBuckets[hash] {
                for candidate in candidates {
                    let example = variantExample[Int(candidate)]
                    let exampleRange = log.range(ofCase: example)
                    guard exampleRange.count == n else { continue }
                    var same = true
                    for k in 0..<n where instances[exampleRange.lowerBound + k].activity != instances[lo + k].activity {
                        same = false
                        break
                    }
                    if same {
                        variant = candidate
                        break
                    }
                }
            }
            if variant < 0 {
                variant = Int32(variantExample.count)
                variantExample.append(c)
                variantCases.append(0)
                variantBuckets[hash, default: []].append(variant)
            }
            variantOfCase[c] = variant
            variantCases[Int(variant)] += 1
            guard n > 0 else { continue }

            let first = instances[lo], last = instances[hi - 1]
            activityGraph.starts[Int(first.activity)] += 1
            activityGraph.ends[Int(last.activity)] += 1
            if first.group >= 0 { teamGraph.starts[Int(first.group)] += 1 }
            if last.group >= 0 { teamGraph.ends[Int(last.group)] += 1 }
            if first.resource >= 0 { resourceGraph.starts[Int(first.resource)] += 1 }
            if last.resource >= 0 { resourceGraph.ends[Int(last.resource)] += 1 }

            var caseEnd = -Double.infinity
            var anyRescue = false
            for k in 0..<n {
                let instance = instances[lo + k]
                caseEnd = max(caseEnd, instance.end)
                anyRescue = anyRescue || rescueFlags[lo + k]
                // Rework and owner changes: how often this case did the activity before, and who.
                let a = Int(instance.activity)
                let before = seen[a]
                if before == 0 {
                    touched.append(instance.activity)
                    casesWith[a] += 1
                    isRepeat[k] = false
                    ownerChanged[k] = false
                } else {
                    isRepeat[k] = true
                    repeats[a] += 1
                    if before == 1 { reworkCases[a] += 1 }
                    let changed = instance.resource >= 0 && lastOwner[a] >= 0 && instance.resource != lastOwner[a]
                    ownerChanged[k] = changed
                    if changed { ownerChanges[a] += 1 }
                }
                seen[a] = before + 1
                if instance.resource >= 0 { lastOwner[a] = instance.resource }
                resourceKeys[k] = instance.resource
                teamKeys[k] = instance.group
                resourceLegs[k] = false
                teamLegs[k] = false
                promiseLate[k] = false
            }
            for a in touched {
                seen[Int(a)] = 0
                lastOwner[Int(a)] = -1
            }
            touched.removeAll(keepingCapacity: true)
            cycleTimes[c] = max(0, caseEnd - first.orderTime)
            if anyRescue { casesRescued += 1 }

            exceptionFrom[n] = false
            for k in stride(from: n - 1, through: 0, by: -1) {
                exceptionFrom[k] = exceptionFrom[k + 1] || exceptionFlags[lo + k]
            }
            if exceptionFrom[0] { casesWithException += 1 }

            resourcePingPong.scan(UnsafeBufferPointer(resourceKeys), count: n, legs: resourceLegs)
            teamPingPong.scan(UnsafeBufferPointer(teamKeys), count: n, legs: teamLegs)

            let open = tracksOpenCases && !isEnd[Int(last.activity)]
            for p in promises.indices {
                var anchorIndex = -1
                var anchorTime = 0.0
                if let anchor = promises[p].anchor {
                    if anchor >= 0 {
                        for k in 0..<n where instances[lo + k].activity == anchor {
                            anchorIndex = k
                            anchorTime = instances[lo + k].end
                            break
                        }
                    }
                } else {
                    anchorIndex = 0
                    anchorTime = first.orderTime
                }
                guard anchorIndex >= 0 else {
                    promises[p].notStarted += 1
                    continue
                }
                var stopIndex = -1
                let target = promises[p].target
                if target >= 0 {
                    let from = promises[p].anchor == nil ? 0 : anchorIndex + 1
                    for k in from..<n where instances[lo + k].activity == target {
                        stopIndex = k
                        break
                    }
                }
                let within = promises[p].within
                var lateUntil = -1
                if stopIndex >= 0 {
                    let elapsed = max(0, instances[lo + stopIndex].orderTime - anchorTime)
                    promises[p].times.append(elapsed)
                    if elapsed <= within {
                        promises[p].kept += 1
                    } else {
                        promises[p].breached += 1
                        lateUntil = stopIndex
                    }
                } else if open {
                    if asOf - anchorTime > within {
                        promises[p].overdue += 1
                        lateUntil = n - 1
                    } else {
                        promises[p].pending += 1
                    }
                } else {
                    promises[p].notReached += 1
                }
                if lateUntil > anchorIndex {
                    for k in anchorIndex..<lateUntil { promiseLate[k] = true }
                }
            }

            for k in 0..<(n - 1) {
                let a = instances[lo + k], b = instances[lo + k + 1]
                let wait = max(0, b.orderTime - a.end)
                let window = windows[Int(a.activity)]
                var facts = TraversalFacts()
                facts.windowed = window < .infinity
                facts.stale = wait > window
                facts.onBreachedPromise = promiseLate[k]
                facts.exceptionAfter = exceptionFrom[k + 1]
                facts.exceptionAtTarget = exceptionFlags[lo + k + 1]
                facts.rework = isRepeat[k + 1]
                facts.reassignments = b.reassignments
                facts.ownerChange = ownerChanged[k + 1]
                facts.resourcePingPong = resourceLegs[k]
                facts.teamPingPong = teamLegs[k]
                facts.rescued = rescueFlags[lo + k + 1]
                facts.receivingUnclarity = unclarity[Int(b.activity)]
                if facts.windowed { handoffsWithWindow += 1 }
                if facts.stale { handoffsPastWindow += 1 }
                traversals.append(facts, wait: wait, case: caseIndex)
                activityGraph.add(a.activity, b.activity)
                if a.group >= 0, b.group >= 0 { teamGraph.add(a.group, b.group) } else { teamGraph.skip() }
                if a.resource >= 0, b.resource >= 0 {
                    resourceGraph.add(a.resource, b.resource)
                } else {
                    resourceGraph.skip()
                }
            }

            if open {
                openCases += 1
                let window = windows[Int(last.activity)]
                let waiting = asOf - last.end
                if waiting > window { staleCases.append((c, hi - 1, waiting, window)) }
            }
        }

        var steps: [StepAnalysis] = []
        steps.reserveCapacity(activityCount)
        for a in 0..<activityCount {
            let total = Double(max(stepInstances[a], 1))
            steps.append(StepAnalysis(
                activity: activityNames[a], instances: stepInstances[a], cases: casesWith[a],
                rework: StepRework(
                    cases: reworkCases[a], repeats: repeats[a],
                    share: Double(reworkCases[a]) / Double(max(casesWith[a], 1))),
                reassignment: StepReassignment(
                    reassignments: reassignments[a], reassignedInstances: reassigned[a], ownerChanges: ownerChanges[a],
                    rate: Double(reassignments[a] + ownerChanges[a]) / total),
                exceptions: StepExceptions(
                    marked: marked[a], share: Double(marked[a]) / total, rescued: rescued[a],
                    rescueShare: Double(rescued[a]) / total),
                ownership: ownership[a]))
        }

        let stale = StaleSummary(
            asOf: asOf, handoffsWithWindow: handoffsWithWindow, handoffsPastWindow: handoffsPastWindow,
            openCases: openCases,
            staleCases: staleCases.sorted { $0.waiting != $1.waiting ? $0.waiting > $1.waiting : $0.caseIndex < $1.caseIndex }
                .map { entry in
                    let instance = log.instances[entry.instance]
                    return StaleCase(
                        caseID: log.caseIDs[Int32(entry.caseIndex)], lastActivity: log.activities[instance.activity],
                        lastResource: log.resourceName(instance), lastTeam: log.groupName(instance), since: instance.end,
                        waiting: entry.waiting, window: entry.window)
                })

        let promiseOutcomes = promises.map { promise in
            let judged = promise.kept + promise.breached + promise.overdue
            return PromiseOutcome(
                name: promise.name, within: promise.within, kept: promise.kept, breached: promise.breached,
                overdue: promise.overdue, pending: promise.pending, notReached: promise.notReached,
                notStarted: promise.notStarted,
                breachRate: judged == 0 ? 0 : Double(promise.breached + promise.overdue) / Double(judged),
                timeToKeep: DurationSummary(unsorted: promise.times))
        }

        let variantList = variants(cases: variantOfCase, examples: variantExample, counts: variantCases, cycleTimes: cycleTimes)
        // The variants have read the cycle times in case order; selection may now reorder them.
        let cycleTime = cycleTimes.withUnsafeMutableBufferPointer { DurationSummary(selecting: $0) }
        return LogAnalysis(
            cases: caseCount, instances: instanceCount, events: log.eventCount, asOf: asOf, hasTeams: hasTeams,
            measuresLateness: rules.responseWindow != nil || !rules.responseWindows.isEmpty || !rules.promises.isEmpty,
            cycleTime: cycleTime,
            activityGraph: activityGraph.graph(level: .activity, names: activityNames, traversals: traversals),
            teamGraph: teamGraph.graph(level: .team, names: log.groups.names, traversals: traversals),
            resourceGraph: resourceGraph.graph(level: .resource, names: log.resources.names, traversals: traversals),
            steps: steps,
            variants: variantList,
            resourcePingPong: resourcePingPong.summary(names: log.resources.names),
            teamPingPong: teamPingPong.summary(names: log.groups.names),
            casesWithException: casesWithException, casesRescued: casesRescued, stale: stale, promises: promiseOutcomes)
    }

    /// `count` (at least one) values of `value`, for the caller to deallocate.
    private static func scratch<T>(_ count: Int, _ value: T) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, 1))
        buffer.initialize(repeating: value)
        return buffer
    }

    private func variants(cases: [Int32], examples: [Int], counts: [Int], cycleTimes: [Double]) -> [Variant] {
        var offsets = [Int](repeating: 0, count: counts.count + 1)
        for v in counts.indices { offsets[v + 1] = offsets[v] + counts[v] }
        var fill = offsets
        var grouped = [Double](repeating: 0, count: cases.count)
        for (c, v) in cases.enumerated() {
            grouped[fill[Int(v)]] = cycleTimes[c]
            fill[Int(v)] += 1
        }
        let order = counts.indices.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
        let total = Double(max(cases.count, 1))
        return grouped.withUnsafeMutableBufferPointer { buffer in
            order.map { v in
                let run = UnsafeMutableBufferPointer(rebasing: buffer[offsets[v]..<offsets[v + 1]])
                let example = examples[v]
                return Variant(
                    activities: log.instances(ofCase: example).map { log.activities[$0.activity] }, cases: counts[v],
                    share: Double(counts[v]) / total, cycleTime: DurationSummary(selecting: run),
                    exampleCase: log.caseIDs[Int32(example)])
            }
        }
    }
}
