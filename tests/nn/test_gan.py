import torch

from awdids.nn import MLPCritic, MLPGenerator


def test_generator_layers_follow_the_paper():
    gen = MLPGenerator(100, (128, 256, 512, 1024), 122)
    widths = [m.out_features for m in gen if isinstance(m, torch.nn.Linear)]
    assert widths == [128, 256, 512, 1024, 122]
    assert gen(torch.zeros(2, 100)).shape == (2, 122)


def test_critic_has_no_batch_norm_and_one_score_per_row():
    critic = MLPCritic(122, (512, 256))
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in critic)
    assert critic(torch.zeros(5, 122)).shape == (5,)
