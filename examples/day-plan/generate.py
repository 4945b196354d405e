#!/usr/bin/env python3
"""Writes arrivals.csv: eight weeks of calls to one contact-centre queue, one row per call.

Seeded, so the file is the same on every run:  python3 examples/day-plan/generate.py

Calls arrive as a Poisson process whose rate follows a weekday profile (open 07:00-22:00 on
weekdays, 08:00-20:00 at weekends; a morning peak near 10:00 and a smaller one after lunch;
Mondays busiest) times a day-level factor (a gamma draw, mean 1), so some days run hot or cold
as real ones do. Handling times are log-normal around 5 minutes, longer in the evening. The
history runs Monday 5 January to Sunday 1 March 2026 in Central European Time (+01:00, before
the change to summer time), so the plan is for Monday 2 March.
"""
import math
import random
from datetime import datetime, timedelta, timezone

random.seed(20260302)
ZONE = timezone(timedelta(hours=1))
FIRST = datetime(2026, 1, 5, tzinfo=ZONE)
DAYS = 56
DAY_VOLUME = {0: 1000, 1: 900, 2: 870, 3: 860, 4: 820, 5: 380, 6: 260}  # Monday = 0
OPEN = {True: (7.0, 22.0), False: (8.0, 20.0)}


def shape(hour: float, weekday: int) -> float:
    """Relative arrival intensity at `hour` (0 when closed)."""
    start, end = OPEN[weekday < 5]
    if not (start <= hour < end):
        return 0.0
    morning = math.exp(-((hour - 10.25) / 1.6) ** 2)
    afternoon = 0.75 * math.exp(-((hour - 14.25) / 1.9) ** 2)
    evening = 0.25 * math.exp(-((hour - 19.0) / 1.5) ** 2)
    ramp = min(1.0, (hour - start) / 0.75)  # the first 45 minutes build up
    return ramp * (0.12 + morning + afternoon + evening)


def handling_seconds(hour: float) -> int:
    mean = 290 + 50 * max(0.0, min(1.0, (hour - 17) / 3))
    sigma = 0.55
    mu = math.log(mean) - sigma * sigma / 2
    return max(20, round(random.lognormvariate(mu, sigma)))


rows = ["timestamp,queue,handling_seconds"]
for day in range(DAYS):
    date = FIRST + timedelta(days=day)
    weekday = date.weekday()
    minutes = [shape(m / 60, weekday) for m in range(24 * 60)]
    total = sum(minutes)
    level = random.gammavariate(40, 1 / 40)  # day-to-day variation, mean 1, sd ~16%
    for minute, weight in enumerate(minutes):
        if weight == 0:
            continue
        rate = DAY_VOLUME[weekday] * level * weight / total  # expected calls in this minute
        # Poisson arrivals within the minute by exponential gaps.
        t = random.expovariate(rate) if rate > 0 else 60.0
        while t < 1.0:
            at = date + timedelta(minutes=minute + t)
            hour = at.hour + at.minute / 60
            rows.append(f"{at.strftime('%Y-%m-%dT%H:%M:%S')}+01:00,support,{handling_seconds(hour)}")
            t += random.expovariate(rate)

with open(__file__.replace("generate.py", "arrivals.csv"), "w") as out:
    out.write("\n".join(rows) + "\n")
print(f"{len(rows) - 1} calls over {DAYS} days")
