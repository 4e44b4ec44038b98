import pickle

import pytest
import torch
import torch.nn.functional as F

from awdids.nn import AWDConvLSTM, AWDConvLSTMCell, AWDConvLSTMNet, _init
from awdids.nn._convlstm import _tap_map, conv_as_matrix
from awdids.nn._init import build_module


def seeded(seed=0):
    return torch.Generator().manual_seed(seed)


def make_cell(weight_drop=0.5, spatial=(2, 2), channels=(2, 3)):
    cell = build_module(
        lambda: AWDConvLSTMCell(*channels, spatial, weight_drop=weight_drop), seeded()
    )
    cell.rng = seeded(1)
    return cell


@pytest.mark.parametrize(
    "height, width, kernel", [(4, 4, 3), (2, 3, 3), (1, 1, 3), (3, 3, 5)]
)
def test_dense_matrix_equals_conv2d(height, width, kernel):
    weight = torch.randn(8, 3, kernel, kernel, generator=seeded())
    x = torch.randn(5, 3, height, width, generator=seeded(1))
    dense = conv_as_matrix(weight, _tap_map((height, width), kernel))
    expected = F.conv2d(x, weight, padding=kernel // 2).flatten(1)
    torch.testing.assert_close(x.flatten(1) @ dense.t(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "shape", [(5, 4, 2, 2), (3, 1, 1, 1), (2, 3, 3, 2), (1, 2, 2, 2)]
)
def test_network_output_shape(shape):
    n = shape[0] * shape[1] * shape[2] * shape[3]
    net = build_module(lambda: AWDConvLSTMNet(shape, 5, hidden_channels=3), seeded())
    assert net(torch.zeros(7, n)).shape == (7, 5)


def test_gradients_reach_every_parameter():
    net = build_module(
        lambda: AWDConvLSTMNet(
            (3, 2, 2, 2), 4, hidden_channels=3, num_layers=2, weight_drop=0.3
        ),
        seeded(),
    )
    net.recurrent.set_rng(seeded(1))
    loss = F.cross_entropy(net(torch.randn(16, 24)), torch.randint(0, 4, (16,)))
    loss.backward()
    for name, parameter in net.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_one_mask_per_forward_shared_by_all_time_steps(monkeypatch):
    cell = make_cell()
    kernels = []
    real_conv_as_matrix = conv_as_matrix

    def spy(kernel, tap_map):
        kernels.append(kernel.detach().clone())
        return real_conv_as_matrix(kernel, tap_map)

    monkeypatch.setattr("awdids.nn._convlstm.conv_as_matrix", spy)
    cell.train()
    cell(torch.randn(4, 6, 8))
    cell(torch.randn(4, 6, 8))
    # Two matrices per forward (input, hidden): the hidden kernel is masked once
    # per forward and reused at every step; masks differ between forwards.
    first, second = kernels[1], kernels[3]
    assert len(kernels) == 4
    dropped_first, dropped_second = first == 0, second == 0
    assert dropped_first.any() and dropped_second.any()
    assert not torch.equal(dropped_first, dropped_second)
    keep = 1 - cell.weight_drop
    torch.testing.assert_close(
        first[~dropped_first], (cell.hidden_weight / keep)[~dropped_first].detach()
    )


def test_eval_mode_is_deterministic_and_unmasked():
    cell = make_cell()
    cell.eval()
    x = torch.randn(4, 6, 8)
    torch.testing.assert_close(cell(x), cell(x))
    assert cell._hidden_kernel() is cell.hidden_weight


def test_training_mode_differs_between_forwards():
    cell = make_cell()
    cell.train()
    x = torch.randn(4, 6, 8)
    assert not torch.allclose(cell(x), cell(x))


def test_weight_drop_zero_equals_plain_convlstm():
    cell = make_cell(weight_drop=0.0)
    cell.train()
    x = torch.randn(3, 4, 8, generator=seeded(2))
    out = cell(x)
    # Reference: a textbook ConvLSTM with peepholes written with conv2d.
    h = torch.zeros(3, 3, 2, 2)
    c = torch.zeros_like(h)
    w_ci, w_cf, w_co = (p.view(3, 2, 2) for p in cell.peephole)
    frames = x.view(3, 4, 2, 2, 2)
    for t in range(4):
        gates = F.conv2d(frames[:, t], cell.input_weight, cell.bias, padding=1)
        gates = gates + F.conv2d(h, cell.hidden_weight, padding=1)
        i, f, g, o = gates.chunk(4, dim=1)
        i, f = torch.sigmoid(i + w_ci * c), torch.sigmoid(f + w_cf * c)
        c = f * c + i * torch.tanh(g)
        h = torch.sigmoid(o + w_co * c) * torch.tanh(c)
        torch.testing.assert_close(out[:, t], h.flatten(1), rtol=1e-5, atol=1e-5)


def test_stack_equals_its_cells_applied_one_after_another():
    # The stack passes time-major frames between layers; the result must be
    # what each cell's (batch, time, features) forward gives in turn.
    stack = build_module(
        lambda: AWDConvLSTM(2, 3, (2, 2), num_layers=3), seeded()
    ).eval()
    x = torch.randn(4, 5, 8, generator=seeded(2))
    expected = x
    for layer in stack.layers:
        expected = layer(expected)
    torch.testing.assert_close(stack(x), expected)


def test_same_generator_same_initialisation_and_global_rng_untouched():
    state = torch.random.get_rng_state()
    a = build_module(lambda: AWDConvLSTM(1, 2, (2, 2), 2), seeded(3))
    b = build_module(lambda: AWDConvLSTM(1, 2, (2, 2), 2), seeded(3))
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q)
    assert torch.equal(state, torch.random.get_rng_state())


def test_parameters_are_drawn_on_the_generators_device_then_moved(monkeypatch):
    # torch draws only from a generator on the tensor's own device: a CPU
    # generator must initialise on the CPU even when the module goes elsewhere
    # (the meta device stands in for a GPU here).
    seen = []
    init = _init._init_parameters

    def recording_init(module, generator):
        seen.append({p.device.type for p in module.parameters()})
        init(module, generator)

    monkeypatch.setattr(_init, "_init_parameters", recording_init)
    net = build_module(lambda: AWDConvLSTM(1, 2, (2, 2), 2), seeded(), device="meta")
    assert seen == [{"cpu"}]
    assert {p.device.type for p in net.parameters()} == {"meta"}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cpu_generator_initialises_a_cuda_module_as_on_the_cpu():
    def factory():
        return AWDConvLSTMNet((2, 1, 2, 2), 3, hidden_channels=3)

    on_cpu = build_module(factory, seeded(3))
    on_cuda = build_module(factory, seeded(3), device="cuda")
    for p, q in zip(on_cpu.state_dict().values(), on_cuda.state_dict().values()):
        assert q.is_cuda
        torch.testing.assert_close(p, q.cpu())


def test_cell_pickles_without_its_generator():
    cell = make_cell()
    restored = pickle.loads(pickle.dumps(cell))
    assert restored.rng is None
    torch.testing.assert_close(restored.hidden_weight, cell.hidden_weight)


def test_even_kernel_is_refused():
    with pytest.raises(ValueError, match="kernel_size must be odd"):
        AWDConvLSTMCell(1, 2, (2, 2), kernel_size=2)
