"""The Lesson's guided path: the steps a teacher follows in front of a class, each a sentence to say and the state of
the lesson it sets."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Stop:
    """One step of the guided path: what to say, and the lesson's state it sets (knob names of KNOBS, or the
    page's own session keys -> values)."""

    text: str
    sets: dict = field(default_factory=dict)


KNOBS = {"beta": 1.0, "schedule": "warm-up", "dropout": 0.0, "free-bits": 0.0, "ellipses": False, "written": False}

TOUR = [
    Stop(
        "Each dot is a sentence, placed at the mean of q(z|x) in a 2-D latent space: this plane *is* z, nothing is "
        "projected. The circles are the prior N(0, I) at 1, 2 and 3 σ. Untrained, every sentence sits near the "
        "centre. **Press Play.**",
        {
            "lesson-restart": True,
            "lesson-playing": False,
            "beta": 1.0,
            "schedule": "warm-up",
            "dropout": 0.0,
            "free-bits": 0.0,
            "ellipses": False,
        },
    ),
    Stop(
        "The dots spread out as the reconstruction falls: to write each sentence back, the decoder needs z to tell "
        "them apart. Each ellipse is where q(z|x) puts that sentence (2σ): small ellipses, z is sure.",
        {"lesson-playing": True, "ellipses": True},
    ),
    Stop(
        "**Hover anywhere** on the plane: the decoder writes a sentence at every spot, even between the dots. "
        "Click a spot to pin it; click a dot to follow that sentence in the formula below.",
        {"lesson-playing": False, "written": True},
    ),
    Stop(
        "Now **raise β to 4**: the KL costs four times as much. Watch the ellipses swell onto the prior's circles, "
        "the dots fall to the centre and the KL drop to zero: *posterior collapse*. The decoder writes the same "
        "sentence everywhere.",
        {"lesson-playing": True, "beta": 4.0, "schedule": "constant"},
    ),
    Stop(
        "Undo it with **free bits**: each dimension of z may now keep 1 nat without paying for it. β is still 4, "
        "yet the dots come back out and the KL climbs to about 2 nats.",
        {"lesson-playing": True, "free-bits": 1.0},
    ),
    Stop(
        "Go the other way: **β = 0.1**, no free bits. The KL is almost free, so the dots scatter, the ellipses "
        "shrink and holes open between them: spots no sentence taught the decoder. Hover a hole.",
        {"lesson-playing": True, "beta": 0.1, "free-bits": 0.0},
    ),
    Stop(
        "**Type a sentence** of your own below the plane: the encoder places it with its ellipse, and it moves as "
        "the model keeps learning. Word dropout (hiding words from the decoder) is another way to make it lean on z.",
        {"lesson-playing": True, "beta": 1.0},
    ),
]
