"""What does `find_unused_parameters=True` cost? AutoMix steps under DistributedDataParallel (gloo, CPU, 2 processes ×
1 thread, the narrow ResNet-10 at 32 px, batch 32 per process) with the scan on and off, in one run on this machine.
The trainer now passes `find_unused_parameters=False` (every parameter gets a gradient each step: tested in notebook 05).

python benchmarks/ddp_unused_params.py [--steps 20]
"""
import argparse, os, time
import torch, torch.distributed as dist, torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel as DDP

def worker(rank, world, steps, port, out):
    torch.set_num_threads(1)
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    from automix.models import create_model
    from automix.automix import AutoMix
    res = {}
    for find in (True, False, True, False):                      # interleaved, so drift hits both alike
        torch.manual_seed(0)
        am = AutoMix(create_model("narrow_resnet10", 10), lam_concat=True); am.set_total_steps(1000)
        ddp = DDP(am, find_unused_parameters=find)
        opt = torch.optim.SGD([p for p in am.parameters() if p.requires_grad], lr=0.01)
        x, y = torch.randn(32, 3, 32, 32), torch.randint(0, 10, (32,))
        def step():
            loss = ddp(x, y)["loss"]; opt.zero_grad(); loss.backward(); opt.step(); am.after_step()
        for _ in range(3): step()
        dist.barrier(); t = time.perf_counter()
        for _ in range(steps): step()
        dist.barrier(); res.setdefault(find, []).append((time.perf_counter() - t) / steps)
    if rank == 0: out.update({k: min(v) for k, v in res.items()})
    dist.destroy_process_group()

if __name__ == "__main__":
    ap = argparse.ArgumentParser(); ap.add_argument("--steps", type=int, default=20); a = ap.parse_args()
    with mp.Manager() as m:
        out = m.dict()
        mp.spawn(worker, (2, a.steps, 29517, out), nprocs=2)
        on, off = out[True], out[False]
    print(f"AutoMix step under DDP (2 × gloo, narrow_resnet10, 32 px, 32/process): find_unused_parameters=True {1e3 * on:.1f} ms, "
          f"False {1e3 * off:.1f} ms ({on / off:.2f}x)")
