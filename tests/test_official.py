"""One AutoMix step against OpenMixup 0.2.9's own `AutoMixup` (the official code), from identical weights and draws.

The official classifier (`openmixup/models/classifiers/automix.py`) and Mix Block (`models/heads/pmix_block.py`) are
read from the released wheel and executed with small stand-ins for the framework they import (mmcv's decorators and
base classes, the registries, a `ClsHead` with OpenMixup's cross-entropy). Nothing of the official code is stored in
this repository: the wheel is fetched with `pip download` at test time, and the test is skipped where that fails.

Checked to 1e-5: every loss term, every gradient, every parameter after one SGD step and the momentum update, and every
batch-norm running statistic of both encoders; digits (`narrow_resnet10`) and CIFAR (`cifar_resnet18`) presets, with
λ_bb inside and outside `lam_margin`.
"""
import copy, math, subprocess, sys, types, zipfile
from pathlib import Path
from unittest import mock
import numpy as np, pytest, torch, torch.nn as nn, torch.nn.functional as F
from automix.automix import AutoMix
from automix.core import momentum_schedule
from automix.models import create_model
from automix.config import resolve_config
from automix.trainer import make_optimizer

pytestmark = pytest.mark.slow     # fetches the official wheel; the full grid of presets and margins

WHEEL_DIR = Path.home() / ".cache" / "automix" / "openmixup-0.2.9"
FILES = {"openmixup.models.classifiers.automix": "openmixup/models/classifiers/automix.py",
         "openmixup.models.heads.pmix_block": "openmixup/models/heads/pmix_block.py",
         "openmixup.core.hooks.momentum_hook": "openmixup/core/hooks/momentum_hook.py"}


def _wheel() -> Path:
    found = sorted(WHEEL_DIR.glob("openmixup-0.2.9-*.whl"))
    if not found:
        WHEEL_DIR.mkdir(parents=True, exist_ok=True)
        r = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(WHEEL_DIR), "openmixup==0.2.9"],
                           capture_output=True, text=True, timeout=300)
        found = sorted(WHEEL_DIR.glob("openmixup-0.2.9-*.whl"))
        if r.returncode or not found: pytest.skip(f"openmixup 0.2.9 wheel not available: {r.stderr.strip()[-200:]}")
    return found[0]


# ---- stand-ins for the framework the official files import -------------------------------------------------------
class _BaseModule(nn.Module):
    def __init__(self, init_cfg=None, **kw): super().__init__(); self.init_cfg = init_cfg

class _ConvModule(nn.Module):          # mmcv ConvModule without norm and activation: one conv, bias on
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, groups=1, bias="auto", **kw):
        super().__init__(); self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, groups=groups, bias=True)
    def forward(self, x): return self.conv(x)

def _normal_init(m, mean=0, std=1, bias=0):
    nn.init.normal_(m.weight, mean, std)
    if getattr(m, "bias", None) is not None: nn.init.constant_(m.bias, bias)

def _constant_init(m, val, bias=0):
    nn.init.constant_(m.weight, val)
    if getattr(m, "bias", None) is not None: nn.init.constant_(m.bias, bias)

def _passthrough(*a, **k):
    if len(a) == 1 and callable(a[0]) and not k: return a[0]
    return lambda f: f

class _Hook:                         # mmcv's Hook: what the momentum hook uses of it
    def every_n_iters(self, runner, n): return (runner.iter + 1) % n == 0 if n > 0 else False

class _Registry:
    def register_module(self, cls=None, **k): return cls if cls is not None else (lambda c: c)

class ClsHead(nn.Module):
    "OpenMixup's `ClsHead` (avg-pool, fc) with its `CrossEntropyLoss` (mean over the batch; mixup: λ·CE_a + (1−λ)·CE_b)."
    def __init__(self, in_channels, num_classes):
        super().__init__(); self.fc = nn.Linear(in_channels, num_classes); self.losses = []
    def init_weights(self, init_linear="normal", std=0.01, bias=0.): _normal_init(self.fc, std=std, bias=bias)
    def forward(self, x, post_process=False): return [self.fc(F.adaptive_avg_pool2d(x[0], 1).flatten(1))]
    def loss(self, cls_score, labels, **kw):
        s = cls_score[0]
        if isinstance(labels, tuple):
            y_a, y_b, lam = labels
            loss = F.cross_entropy(s, y_a) * lam + F.cross_entropy(s, y_b) * (1 - lam)
        else: loss = F.cross_entropy(s, labels)
        self.losses.append(loss)
        return dict(loss=loss, acc=torch.zeros(()))

class Backbone(nn.Module):
    "Our staged network in OpenMixup's backbone shape: returns the outputs of `out_indices`."
    def __init__(self, net, out_indices):
        super().__init__(); self.stem, self.stages, self.out_indices = copy.deepcopy(net.stem), copy.deepcopy(net.stages), out_indices
    def init_weights(self, pretrained=None): pass
    def forward(self, x):
        outs, h = [], self.stem(x)
        for i, s in enumerate(self.stages):
            h = s(h)
            if i in self.out_indices: outs.append(h)
        return outs


def _load_official():
    z = zipfile.ZipFile(_wheel())
    mods = {}
    def module(name, **attrs):
        m = types.ModuleType(name); m.__dict__.update(attrs); m.__path__ = []; mods[name] = m; return m
    built = lambda cfg: copy.deepcopy(cfg["module"])
    module("mmcv"); module("mmcv.runner", auto_fp16=_passthrough, force_fp32=_passthrough, load_checkpoint=None, BaseModule=_BaseModule, Hook=_Hook)
    module("mmcv.parallel", is_module_wrapper=lambda m: True)
    module("openmixup.core"); module("openmixup.core.hooks"); module("openmixup.core.hooks.registry", HOOKS=_Registry())
    module("mmcv.cnn", ConvModule=_ConvModule, constant_init=_constant_init, kaiming_init=None, normal_init=_normal_init)
    module("openmixup"); module("openmixup.utils", print_log=lambda *a, **k: None)
    module("openmixup.models", builder=None); module("openmixup.models.registry", MODELS=_Registry(), HEADS=_Registry())
    module("openmixup.models.builder", build_head=built, build_backbone=built, build_neck=built)
    module("openmixup.models.augments", cutmix=None, mixup=None); module("openmixup.models.utils", PlotTensor=lambda **k: None)
    module("openmixup.models.classifiers"); module("openmixup.models.heads")
    module("openmixup.models.classifiers.base_model", BaseModel=_BaseModule)
    mods["openmixup.models"].builder = mods["openmixup.models.builder"]
    with mock.patch.dict(sys.modules, mods):
        out = {}
        for name, path in FILES.items():
            m = types.ModuleType(name); m.__package__ = name.rsplit(".", 1)[0]
            sys.modules[name] = m
            exec(compile(z.read(path).decode(), f"openmixup-0.2.9/{path}", "exec"), m.__dict__)
            out[name] = m
    return (out["openmixup.models.classifiers.automix"].AutoMixup, out["openmixup.models.heads.pmix_block"].PixelMixBlock,
            out["openmixup.core.hooks.momentum_hook"].CosineScheduleHook)


@pytest.fixture(scope="module")
def official(): return _load_official()


def _pair(official, dataset, lam_margin, mask_adjust=0.0):
    AutoMixup, PixelMixBlock, _ = official
    cfg = resolve_config(dataset=dataset, method="automix", lam_margin=lam_margin, mask_adjust=mask_adjust)
    torch.manual_seed(0)
    ours = AutoMix.from_config(create_model(cfg.backbone, 10), cfg)
    net, ml = ours.encoder_q, ours.mask_layer
    c = ours.mix_block.qk.in_channels - int(ours.mix_block.lam_concat)
    mb = PixelMixBlock(c, reduction=2, use_scale=True, unsampling_mode=["nearest"], lam_concat=cfg.lam_concat,
                       mask_loss_mode="L1", mask_loss_margin=0.1)
    head = ClsHead(net.num_features, 10)
    off = AutoMixup(backbone=dict(module=Backbone(net, (ml, len(net.stages) - 1))), mix_block=dict(module=mb),
                    head_mix=dict(module=head), head_one=dict(module=head), alpha=cfg.alpha, momentum=ours.momentum_start,
                    mask_layer=ml, mask_loss=cfg.mask_loss_weight, mask_adjust=cfg.mask_adjust, lam_margin=lam_margin,
                    switch_off=cfg.switch_off, mix_shuffle_no_repeat=ours.no_repeat)
    # identical weights: ours → official, name by name
    names = {"backbone_q.": "encoder_q.", "backbone_k.": "encoder_k.", "head_one_q.fc.": "encoder_q.fc.", "head_one_k.fc.": "encoder_k.fc.",
             "head_mix_q.fc.": "mix_head_q.", "head_mix_k.fc.": "mix_head_k.", "mix_block.query.conv.": "mix_block.qk.", "mix_block.": "mix_block."}
    def ours_name(n):
        for a, b in names.items():
            if n.startswith(a): return b + n[len(a):]
        raise KeyError(n)
    sd = ours.state_dict()
    with torch.no_grad():
        for n, t in list(off.named_parameters()) + list(off.named_buffers()): t.copy_(sd[ours_name(n)])
    return cfg, ours, off, ours_name


# lam_margin 0.49: λ_bb is almost always outside the margin (plain Mixup); mask_adjust 1: the official rescaling every step
@pytest.mark.parametrize("dataset,lam_margin,mask_adjust", [("digits", 0.08, 0.0), ("digits", 0.49, 0.0), ("cifar100", 0.08, 0.0),
                                                             ("cifar100", 0.49, 0.0), ("digits", 0.08, 1.0)])
def test_step_equals_official(official, dataset, lam_margin, mask_adjust):
    cfg, ours, off, ours_name = _pair(official, dataset, lam_margin, mask_adjust)
    ours.train(); off.train(); ours.set_total_steps(1000)
    x, y = torch.randn(16, 3, 32, 32), torch.randint(0, 10, (16,))
    # our step, recording its draws
    drawn = {}
    draw = ours._draw
    def record(n, device): drawn["d"] = draw(n, device); return drawn["d"]
    ours._draw = record
    torch.manual_seed(5); out = ours.training_step(x, y)
    lam_mb, lam_bb, idx_mb, idx_bb = drawn["d"]
    opt = make_optimizer(cfg, ours.param_groups(cfg))
    opt.zero_grad(); out["loss"].backward()
    grads = {n: p.grad.clone() for n, p in ours.named_parameters() if p.grad is not None}
    opt.step(); ours.after_step()
    # the official step with the same draws (λ from numpy, the backbone's permutation drawn first)
    perms = iter([idx_bb, idx_mb]); parts = {}
    pixel_mixup = off.pixel_mixup
    def keep(*a, **k): parts.update(pixel_mixup(*a, **k)); return parts
    off.pixel_mixup = keep
    with mock.patch("numpy.random.beta", lambda a, b, n: np.array([lam_mb, lam_bb])), \
         mock.patch("numpy.random.rand", lambda *a: 0.5), \
         mock.patch("torch.randperm", lambda n, **k: next(perms)), mock.patch("torch.Tensor.cuda", lambda t, *a, **k: t):
        losses = off.forward_train(x, y)
    [mix_q], [one_q], [mix_k] = off.head_mix_q.losses, off.head_one_q.losses, off.head_mix_k.losses
    for mine, theirs in [("cls", mix_q), ("one", one_q), ("gen", mix_k), ("mask", parts["mask_loss"]), ("loss", losses["loss"])]:
        torch.testing.assert_close(out[mine], theirs, atol=1e-5, rtol=1e-5, msg=lambda m, k=mine: f"{k}: {m}")
    losses["loss"].backward()
    for n, p in off.named_parameters():
        if p.requires_grad:
            torch.testing.assert_close(p.grad, grads[ours_name(n)], atol=1e-5, rtol=1e-5, msg=lambda m, k=n: f"{k}: {m}")
    # the same optimiser over the same parameters in the same groups, then the hook's momentum update
    by_id = {id(p): n for n, p in ours.named_parameters()}
    inv = {ours_name(n): p for n, p in off.named_parameters()}
    groups = [dict(params=[inv[by_id[id(p)]] for p in g["params"]], **{k: v for k, v in g.items() if k not in ("params", "lr")})
              for g in ours.param_groups(cfg)]
    opt2 = make_optimizer(cfg, groups)
    for g2, g in zip(opt2.param_groups, opt.param_groups): g2["lr"] = g["lr"]
    opt2.step()
    off.momentum = momentum_schedule(0, 1000, ours.momentum_start, ours.momentum_end)
    off.momentum_update()
    sd = ours.state_dict()
    for n, t in list(off.named_parameters()) + list(off.named_buffers()):
        torch.testing.assert_close(t, sd[ours_name(n)], atol=1e-5, rtol=1e-5, msg=lambda m, k=n: f"{k}: {m}")


@pytest.mark.parametrize("T", [5, 9, 10, 15, 333, 2000])
def test_momentum_schedule_equals_official_hook(official, T):
    "`momentum_schedule` against the official `CosineScheduleHook` as the AutoMix configs set it, at every iteration."
    from types import SimpleNamespace as NS
    hook = official[2](end_momentum=0.999999, adjust_scope=[0.1, 1.0], warming_up="constant")
    model = NS(base_momentum=0.999, momentum=0.999)
    for t in range(T):
        hook.before_train_iter(NS(iter=t, max_iters=T, model=NS(module=model)))
        assert momentum_schedule(t, T, 0.999, 0.999999) == pytest.approx(model.momentum, abs=1e-15), t
