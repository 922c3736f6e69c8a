"""Write assets/demo_corpus.tsv: short English sentences with three known factors of variation.

    topic      food, sport, weather, travel, music, work
    sentiment  positive, negative
    tense      past, present, future

Each (topic, sentiment, tense) cell gets the same number of sentences, drawn without repetition from several
sentence shapes with many subjects, verbs, objects, adjectives and time phrases, so the factors are visible in
the words but not tied to one template. Deterministic: the same seed writes the same file.

    python assets/make_demo_corpus.py
"""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent / "demo_corpus.tsv"
PER_CELL = 100  # 6 topics x 2 sentiments x 3 tenses x 100 = 3,600 sentences
SEED = 0

# Subjects: (text, takes a 3rd-person -s in the present)
SUBJECTS = [
    ("i", False),
    ("we", False),
    ("my sister", True),
    ("my brother", True),
    ("our neighbours", False),
    ("the children", False),
    ("she", True),
    ("he", True),
    ("my friends", False),
    ("our teacher", True),
    ("my parents", False),
    ("the new student", True),
]

# Verbs as (base, 3rd person, past)
LIKE = {
    "positive": [
        ("love", "loves", "loved"),
        ("enjoy", "enjoys", "enjoyed"),
        ("like", "likes", "liked"),
        ("adore", "adores", "adored"),
    ],
    "negative": [
        ("hate", "hates", "hated"),
        ("dislike", "dislikes", "disliked"),
        ("dread", "dreads", "dreaded"),
        ("resent", "resents", "resented"),
    ],
}

TOPICS = {
    "food": {
        "people": ["the chef", "the baker", "the waiter", "the cook"],
        "places": ["at the restaurant", "in the kitchen", "at the bakery", "at the food market"],
        "things": [
            "the soup",
            "the pasta",
            "the curry",
            "the chocolate cake",
            "the bread",
            "the salad",
            "the pizza",
            "the coffee",
            "the breakfast",
            "the fish stew",
        ],
        "actions": [
            ("cook dinner", "cooks dinner", "cooked dinner"),
            ("bake a pie", "bakes a pie", "baked a pie"),
            ("eat at the new cafe", "eats at the new cafe", "ate at the new cafe"),
            ("try the local dish", "tries the local dish", "tried the local dish"),
        ],
        "positive": ["delicious", "tasty", "fresh", "perfect", "wonderful", "rich and warm"],
        "negative": ["bland", "cold", "burnt", "awful", "stale", "far too salty"],
    },
    "sport": {
        "people": ["the coach", "the players", "the goalkeeper", "the runners"],
        "places": ["at the stadium", "on the pitch", "at the gym", "at the sports club"],
        "things": [
            "the match",
            "the game",
            "the race",
            "the training session",
            "the final",
            "the tournament",
            "the season",
            "the swimming lesson",
            "the football practice",
            "the tennis game",
        ],
        "actions": [
            ("play tennis", "plays tennis", "played tennis"),
            ("run a marathon", "runs a marathon", "ran a marathon"),
            ("train at the gym", "trains at the gym", "trained at the gym"),
            ("watch the match", "watches the match", "watched the match"),
        ],
        "positive": ["exciting", "thrilling", "fantastic", "brilliant", "a great success", "really fun"],
        "negative": ["boring", "exhausting", "disappointing", "dull", "a total disaster", "painfully slow"],
    },
    "weather": {
        "people": ["the farmers", "the gardener", "the walkers", "the weather presenter"],
        "places": ["in the countryside", "over the hills", "by the sea", "in the garden"],
        "things": [
            "the weather",
            "the sky",
            "the morning",
            "the afternoon",
            "the day",
            "the weekend",
            "the forecast",
            "the spring",
            "the evening air",
            "the holiday weather",
        ],
        "actions": [
            ("walk along the river", "walks along the river", "walked along the river"),
            ("sit in the garden", "sits in the garden", "sat in the garden"),
            ("cycle to the hills", "cycles to the hills", "cycled to the hills"),
            ("look out of the window", "looks out of the window", "looked out of the window"),
        ],
        "positive": ["sunny", "warm", "lovely", "pleasant", "bright and clear", "gentle"],
        "negative": ["freezing", "grey", "stormy", "miserable", "wet and windy", "gloomy"],
    },
    "travel": {
        "people": ["the tourists", "the pilot", "the travel guide", "the passengers"],
        "places": ["at the airport", "abroad", "at the station", "in the old town"],
        "things": [
            "the flight",
            "the trip",
            "the hotel",
            "the train ride",
            "the journey",
            "the beach",
            "the tour",
            "the holiday",
            "the ferry",
            "the road trip",
        ],
        "actions": [
            ("fly to paris", "flies to paris", "flew to paris"),
            ("take the night train", "takes the night train", "took the night train"),
            ("visit the old town", "visits the old town", "visited the old town"),
            ("drive to the coast", "drives to the coast", "drove to the coast"),
        ],
        "positive": ["relaxing", "comfortable", "beautiful", "memorable", "smooth and easy", "amazing"],
        "negative": ["delayed", "crowded", "uncomfortable", "stressful", "badly organised", "a nightmare"],
    },
    "music": {
        "people": ["the singer", "the drummer", "the band", "the pianist"],
        "places": ["at the concert hall", "on stage", "at the music school", "at the festival"],
        "things": [
            "the concert",
            "the song",
            "the album",
            "the band",
            "the show",
            "the choir",
            "the festival",
            "the piano lesson",
            "the new single",
            "the orchestra",
        ],
        "actions": [
            ("play the guitar", "plays the guitar", "played the guitar"),
            ("sing in the choir", "sings in the choir", "sang in the choir"),
            ("listen to the radio", "listens to the radio", "listened to the radio"),
            ("go to a gig", "goes to a gig", "went to a gig"),
        ],
        "positive": ["beautiful", "moving", "catchy", "superb", "full of energy", "magical"],
        "negative": ["noisy", "out of tune", "dreadful", "forgettable", "far too loud", "painful to hear"],
    },
    "work": {
        "people": ["the manager", "my boss", "the new colleague", "the team leader"],
        "places": ["at the office", "at work", "in the meeting room", "at the company"],
        "things": [
            "the meeting",
            "the project",
            "the office",
            "the deadline",
            "the report",
            "the interview",
            "the new job",
            "the presentation",
            "the team lunch",
            "the training course",
        ],
        "actions": [
            ("write the report", "writes the report", "wrote the report"),
            ("meet the new client", "meets the new client", "met the new client"),
            ("work late", "works late", "worked late"),
            ("give a presentation", "gives a presentation", "gave a presentation"),
        ],
        "positive": ["productive", "rewarding", "smooth", "successful", "well organised", "inspiring"],
        "negative": ["stressful", "pointless", "chaotic", "tiring", "a waste of time", "badly run"],
    },
}

TIMES = {
    "past": ["yesterday", "last week", "last summer", "two days ago", "last night", "on monday"],
    "present": ["every day", "these days", "every week", "most mornings", "nowadays", "every weekend"],
    "future": ["tomorrow", "next week", "next summer", "in two days", "tonight", "on monday"],
}
INTENSIFIERS = ["", "really ", "very ", "quite ", "truly "]
FEELING = {
    "positive": ["delighted", "happy", "thrilled", "pleased"],
    "negative": ["upset", "annoyed", "unhappy", "fed up"],
}
OPINION = {"positive": ["i think", "everyone says", "we all agree"], "negative": ["i fear", "everyone says", "sadly"]}


def verb(forms: tuple[str, str, str], tense: str, third: bool) -> str:
    base, third_person, past = forms
    if tense == "past":
        return past
    if tense == "future":
        return f"will {base}"
    return third_person if third else base


def be(tense: str, plural: bool = False) -> str:
    if plural:
        return {"past": "were", "present": "are", "future": "will be"}[tense]
    return {"past": "was", "present": "is", "future": "will be"}[tense]


def sentences(topic: str, sentiment: str, tense: str) -> list[str]:
    """Every sentence of one cell, in several shapes; the topic shows in the people, things and places."""
    t = TOPICS[topic]
    subjects = SUBJECTS + [(person, not person.endswith("s")) for person in t["people"]]
    out = []
    for (subject, third), like, thing, place, time in itertools.product(
        subjects, LIKE[sentiment], t["things"], t["places"], TIMES[tense]
    ):
        feeling = FEELING[sentiment][len(out) % len(FEELING[sentiment])]
        out.append(f"{subject} {verb(like, tense, third)} {thing} {place} {time} and we {be(tense, True)} {feeling} .")
    for thing, place, adjective, intensifier, time in itertools.product(
        t["things"], t["places"], t[sentiment], INTENSIFIERS, TIMES[tense]
    ):
        if " " in adjective:
            intensifier = ""
        feeling = FEELING[sentiment][len(out) % len(FEELING[sentiment])]
        out.append(f"{thing} {place} {be(tense)} {intensifier}{adjective} {time} , so we {be(tense, True)} {feeling} .")
    for (subject, third), action, place, adjective, time in itertools.product(
        subjects, t["actions"], t["places"], t[sentiment], TIMES[tense]
    ):
        out.append(f"{subject} {verb(action, tense, third)} {place} {time} and it {be(tense)} {adjective} .")
    for opinion, thing, place, adjective in itertools.product(
        OPINION[sentiment], t["things"], t["places"], t[sentiment]
    ):
        out.append(f"{opinion} {thing} {place} {be(tense)} {adjective} .")
    return out


def main() -> None:
    rng = random.Random(SEED)
    rows = []
    for topic, sentiment, tense in itertools.product(TOPICS, ("positive", "negative"), ("past", "present", "future")):
        pool = sorted(set(sentences(topic, sentiment, tense)))
        rows += [(text, topic, sentiment, tense) for text in rng.sample(pool, PER_CELL)]
    rng.shuffle(rows)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter="\t", lineterminator="\n")
        writer.writerow(["text", "topic", "sentiment", "tense"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} sentences to {OUT}")


if __name__ == "__main__":
    main()
