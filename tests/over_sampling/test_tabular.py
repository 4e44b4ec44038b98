import numpy as np
import torch

from awdids.over_sampling._tabular import TabularCodec, _gumbel_like


def make_codec():
    """Columns: one-hot 0/2/4 (not adjacent), binary 1, few-valued 3, continuous 5-6."""
    rng = np.random.RandomState(0)
    n = 50
    X = np.zeros((n, 7))
    X[np.arange(n), rng.choice([0, 2, 4], n)] = 1.0
    X[:, 1] = rng.randint(0, 2, n)
    X[:, 3] = rng.choice([0.5, 1.5, 7.0], n)
    X[:, 5:] = rng.exponential(size=(n, 2))
    codec = TabularCodec(X, [np.array([0, 2, 4])], True, 20, np.random.RandomState(0))
    return codec, X


def per_block_choices(codec, logits, generator):
    """The reference: one Gumbel draw per block, in block order."""
    blocks = torch.split(logits, codec.block_sizes, dim=1)
    return np.stack(
        [(b + _gumbel_like(b, generator)).argmax(dim=1).numpy() for b in blocks],
        axis=1,
    )


def test_batched_choice_draws_the_same_as_one_draw_per_block():
    codec, _ = make_codec()
    assert codec.block_sizes == [3, 2, 3]
    logits = torch.randn(1000, sum(codec.block_sizes))
    batched = codec._choose(logits, torch.Generator().manual_seed(7))
    reference = per_block_choices(codec, logits, torch.Generator().manual_seed(7))
    np.testing.assert_array_equal(batched, reference)


def test_decoded_rows_put_each_choice_in_its_own_column():
    codec, X = make_codec()
    raw = torch.randn(500, codec.n_outputs)
    rows = codec.sample(raw, torch.Generator().manual_seed(3))
    choices = per_block_choices(
        codec, raw[:, len(codec.continuous) :], torch.Generator().manual_seed(3)
    )
    group = rows[:, [0, 2, 4]]
    np.testing.assert_array_equal(group.argmax(axis=1), choices[:, 0])
    np.testing.assert_array_equal(group.sum(axis=1), 1.0)
    np.testing.assert_array_equal(rows[:, 1], np.array([0.0, 1.0])[choices[:, 1]])
    np.testing.assert_array_equal(rows[:, 3], np.array([0.5, 1.5, 7.0])[choices[:, 2]])
    for j in (5, 6):
        assert np.isin(rows[:, j], X[:, j]).all()


def per_block_relax(codec, raw, noise, temperature=0.2):
    """The reference: a straight-through Gumbel-softmax block by block."""
    n_cont = len(codec.continuous)
    logits = torch.split(raw[:, n_cont:], codec.block_sizes, dim=1)
    noises = torch.split(noise, codec.block_sizes, dim=1)
    parts = [torch.tanh(raw[:, :n_cont])]
    for block, block_noise in zip(logits, noises):
        soft = torch.softmax((block + block_noise) / temperature, dim=1)
        hard = torch.nn.functional.one_hot(soft.argmax(1), soft.shape[1]).to(soft)
        parts.append(hard - soft.detach() + soft)
    return torch.cat(parts, dim=1)


def test_relaxing_all_blocks_at_once_matches_block_by_block_with_gradients():
    codec, _ = make_codec()
    raw = torch.randn(64, codec.n_outputs, requires_grad=True)
    weights = torch.randn(64, codec.n_outputs)
    relaxed = codec.relax(raw, torch.Generator().manual_seed(5))
    (grad,) = torch.autograd.grad((relaxed * weights).sum(), raw)
    n_cont = len(codec.continuous)
    noise = _gumbel_like(raw[:, n_cont:], torch.Generator().manual_seed(5))
    reference = per_block_relax(codec, raw, noise)
    (reference_grad,) = torch.autograd.grad((reference * weights).sum(), raw)
    torch.testing.assert_close(relaxed, reference)
    torch.testing.assert_close(grad, reference_grad)
    blocks = torch.split(relaxed[:, n_cont:].detach(), codec.block_sizes, dim=1)
    for block in blocks:  # the critic sees exact one-hot rows
        assert set(block.unique().tolist()) <= {0.0, 1.0}
        torch.testing.assert_close(block.sum(1), torch.ones(64))


def test_relax_without_discrete_columns_is_tanh():
    X = np.random.RandomState(0).exponential(size=(30, 3))
    codec = TabularCodec(X, [], True, 0, np.random.RandomState(0))
    raw = torch.randn(5, codec.n_outputs)
    torch.testing.assert_close(codec.relax(raw, torch.Generator()), torch.tanh(raw))
