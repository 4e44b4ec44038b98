import pytest
import torch

from awdids.nn import AWDConvLSTMCell
from awdids.nn._init import build_module
from awdids.nn._lstm_scan import (
    _tanh,
    peephole_lstm_scan,
    peephole_lstm_scan_autograd,
    peephole_lstm_scan_inference,
)


def scan_inputs(steps=4, batch=3, n=5, dtype=torch.float64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    gates_x = torch.randn(steps, batch, 4 * n, dtype=dtype, generator=generator)
    w_hid = 0.5 * torch.randn(n, 4 * n, dtype=dtype, generator=generator)
    peephole = 0.5 * torch.randn(3, n, dtype=dtype, generator=generator)
    return [t.requires_grad_() for t in (gates_x, w_hid, peephole)]


def test_tanh_of_the_scan_agrees_with_torch_in_float32_also_in_place():
    x = torch.linspace(-20, 20, 100_001)
    expected = torch.tanh(x)
    out = _tanh(x, out=torch.empty_like(x))
    torch.testing.assert_close(out, expected, rtol=0, atol=3e-7)
    strided = torch.stack([x, x], dim=1)[:, 0]  # a strided view, like the g gate
    assert not strided.is_contiguous()
    assert _tanh(strided, out=strided) is strided
    torch.testing.assert_close(strided, expected, rtol=0, atol=3e-7)


def test_hand_written_backward_passes_gradcheck():
    assert torch.autograd.gradcheck(peephole_lstm_scan, scan_inputs())


@pytest.mark.parametrize("steps", [1, 2, 5])
def test_scan_equals_the_autograd_loop_in_values_and_gradients(steps):
    inputs = scan_inputs(steps=steps)
    out, expected = peephole_lstm_scan(*inputs), peephole_lstm_scan_autograd(*inputs)
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)
    upstream = torch.randn_like(out)
    grads = torch.autograd.grad(out, inputs, upstream)
    expected_grads = torch.autograd.grad(expected, inputs, upstream)
    for got, want in zip(grads, expected_grads):
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("steps", [1, 2, 5])
def test_inference_scan_equals_the_autograd_loop(steps):
    gates_x, w_hid, peephole = (t.detach() for t in scan_inputs(steps=steps))
    expected = peephole_lstm_scan_autograd(gates_x, w_hid, peephole)
    out = peephole_lstm_scan_inference(gates_x.clone(), w_hid, peephole)
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)


def test_cell_predicts_in_place_under_no_grad_with_the_training_values(monkeypatch):
    cell = build_module(
        lambda: AWDConvLSTMCell(2, 3, (2, 2)), torch.Generator().manual_seed(0)
    ).eval()
    x = torch.randn(4, 5, 8)
    with_grad = cell(x)
    calls = []

    def spy(*args):
        calls.append(args[0].shape)
        return peephole_lstm_scan_inference(*args)

    monkeypatch.setattr("awdids.nn._convlstm.peephole_lstm_scan_inference", spy)
    with torch.no_grad():
        without_grad = cell(x)
    assert calls == [(5, 4, 4 * 3 * 4)]
    torch.testing.assert_close(without_grad, with_grad, rtol=1e-6, atol=1e-6)


def test_cell_runs_the_autograd_loop_under_autocast(monkeypatch):
    cell = build_module(
        lambda: AWDConvLSTMCell(2, 3, (2, 2)), torch.Generator().manual_seed(0)
    )
    calls = []

    def spy(*args):
        calls.append(args[0].dtype)
        return peephole_lstm_scan_autograd(*args)

    monkeypatch.setattr("awdids.nn._convlstm.peephole_lstm_scan_autograd", spy)
    x = torch.randn(4, 5, 8)
    cell(x)
    assert calls == []
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = cell(x)
    assert calls == [torch.bfloat16]
    out.float().sum().backward()
    assert cell.hidden_weight.grad is not None
