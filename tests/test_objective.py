"""The ELBO's KL term, free bits and β schedules."""

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from vae_core import BetaSchedule, ConfigError
from vae_core.objective import kl_objective, kl_per_dim


def test_kl_matches_torch_distributions():
    torch.manual_seed(0)
    mu, logvar = torch.randn(5, 7), torch.randn(5, 7)
    expected = kl_divergence(Normal(mu, torch.exp(0.5 * logvar)), Normal(0.0, 1.0))
    assert torch.allclose(kl_per_dim(mu, logvar), expected, atol=1e-5)


def test_kl_is_zero_at_the_prior():
    assert torch.allclose(kl_per_dim(torch.zeros(3, 4), torch.zeros(3, 4)), torch.zeros(3, 4))


def test_free_bits_floor_each_dimension():
    kl = torch.tensor([[0.01, 2.0], [0.03, 4.0]])  # dim 0 averages 0.02, dim 1 averages 3.0
    assert kl_objective(kl, free_bits=0.0).item() == pytest.approx(3.02)
    assert kl_objective(kl, free_bits=0.5).item() == pytest.approx(0.5 + 3.0)


def test_free_bits_stop_the_gradient_below_the_floor():
    mu = torch.tensor([[0.1, 3.0]], requires_grad=True)
    kl_objective(kl_per_dim(mu, torch.zeros(1, 2)), free_bits=0.5).backward()
    assert mu.grad[0, 0] == 0 and mu.grad[0, 1] > 0


@pytest.mark.parametrize(
    "schedule, points",
    [
        (BetaSchedule("constant", beta_max=0.7), {0: 0.7, 50: 0.7, 99: 0.7}),
        (BetaSchedule("linear", warmup=0.5), {0: 0.0, 25: 0.5, 50: 1.0, 99: 1.0}),
        (BetaSchedule("logistic", warmup=0.3), {30: 0.5}),
        (
            BetaSchedule("cyclical", cycles=4, ratio=0.5),
            {0: 0.0, 10: 0.8, 12: 0.96, 13: 1.0, 24: 1.0, 25: 0.0, 35: 0.8},
        ),
    ],
)
def test_schedules(schedule, points):
    for step, beta in points.items():
        assert schedule(step, 100) == pytest.approx(beta, abs=1e-6)


def test_logistic_rises_from_near_zero_to_near_one():
    s = BetaSchedule("logistic", warmup=0.3)
    assert s(0, 100) < 0.01 and s(99, 100) > 0.99
    assert all(s(i, 100) <= s(i + 1, 100) for i in range(99))


def test_bad_schedule_settings():
    for bad in ({"kind": "sometimes"}, {"beta_max": -1}, {"cycles": 0}):
        with pytest.raises(ConfigError):
            BetaSchedule(**bad)
