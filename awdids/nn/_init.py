"""Seeded construction of torch modules without touching the global RNG."""

import math

import torch
from torch import nn

__all__ = ["build_module", "make_generator"]


def make_generator(random_state, device="cpu"):
    """A ``torch.Generator`` on ``device`` seeded from a numpy RandomState."""
    seed = int(random_state.randint(0, 2**31 - 1))
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return generator


def _uniform_(tensor, bound, generator):
    with torch.no_grad():
        tensor.uniform_(-bound, bound, generator=generator)


def _init_linear_or_conv(module, generator):
    # PyTorch's own default initialisation, drawn from ``generator``.
    nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
    if module.bias is not None:
        fan_in, _ = nn.init._calculate_fan_in_and_fan_out(module.weight)
        _uniform_(module.bias, 1 / math.sqrt(fan_in) if fan_in > 0 else 0, generator)


def _init_parameters(module, generator):
    for child in module.modules():
        if isinstance(child, (nn.Linear, nn.Conv1d, nn.Conv2d)):
            _init_linear_or_conv(child, generator)
        elif isinstance(child, nn.modules.batchnorm._BatchNorm):
            child.reset_running_stats()
            nn.init.ones_(child.weight)
            nn.init.zeros_(child.bias)
        elif hasattr(child, "reset_parameters_with"):
            child.reset_parameters_with(generator)


def build_module(factory, generator, device="cpu"):
    """Build ``factory()`` and initialise its parameters from ``generator``.

    The module is created on the meta device, so building it draws nothing from
    (and never reseeds) torch's global random number generator; parameters are
    then materialised on the generator's device, initialised as PyTorch would
    from the generator, and moved to ``device``. Custom modules initialise
    their own parameters through a ``reset_parameters_with(generator)`` method.
    """
    with torch.device("meta"):
        module = factory()
    # Initialise where the generator lives (torch draws only from a generator
    # on the tensor's own device), then move: a CPU generator thus gives the
    # same initial weights on every device.
    module = module.to_empty(device=generator.device)
    _init_parameters(module, generator)
    return module.to(device)
