"""PyTorch comparator for `pnpm bench:speed`: the same scFNCCL architecture, losses, views, EMA
key encoder, Adam and batch as the engine, written for timing only (our own script, not the
reference program). Reads the preprocessed [cells, genes] float32 matrix as .npy, trains for a few
epochs with a fixed thread count and prints one JSON line with the seconds of each epoch.

    /usr/bin/python3 torch_comparator.py X.npy --k 8 --epochs 3 --threads 2
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    def __init__(self, genes, dims):
        super().__init__()
        layers, prev = [], genes
        for d in dims:
            layers += [nn.Linear(prev, d), nn.BatchNorm1d(d), nn.ReLU()]
            prev = d
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return F.normalize(self.net(x), dim=1)


class Attention(nn.Module):
    """Self-attention between the heads of one cell's h, residual + LayerNorm, dropout 0.8."""

    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads, self.hd = heads, dim // heads
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))
        self.drop = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, h):
        n = h.shape[0]
        q = self.q(h).view(n, self.heads, self.hd)
        k = self.k(h).view(n, self.heads, self.hd)
        v = self.v(h).view(n, self.heads, self.hd)
        p = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(self.hd), dim=-1)
        out = self.drop(self.o((p @ v).reshape(n, -1)))
        return self.ln(out + h)


class Heads(nn.Module):
    def __init__(self, hdim, k):
        super().__init__()
        self.instance = nn.Sequential(nn.Linear(hdim, 100), nn.ReLU(), nn.Linear(100, 100))
        self.attention = Attention(hdim, 2, 0.8)
        self.cluster = nn.Sequential(nn.Linear(hdim, 40), nn.ReLU(), nn.Linear(40, k))

    def forward(self, h):
        return F.normalize(self.instance(h), dim=1), torch.softmax(self.cluster(self.attention(h)), dim=1)


def fn_instance_loss(zq, zk, tau=0.07, phi=0.95):
    f = torch.cat([zq, zk], 0)
    n = f.shape[0]
    b = n // 2
    raw = (f @ f.T).clamp(-1, 1)
    logits = raw / tau
    idx = torch.arange(n)
    partner = torch.zeros(n, n, dtype=torch.bool)
    partner[idx, (idx + b) % n] = True
    off = ~torch.eye(n, dtype=torch.bool)
    kept = off & ~((raw.detach() >= phi) & off & ~partner)
    pos = logits[partner]
    lse = torch.logsumexp(logits.masked_fill(~kept, float("-inf")), dim=1)
    return (lse - pos).mean()


def cluster_loss(pq, pk, k):
    q = F.normalize(pq, dim=0)
    c = F.normalize(pk, dim=0)
    s = q.T @ c
    eye = torch.eye(k)
    diag = ((torch.diagonal(s) - 1) ** 2).mean()
    off = ((s * (1 - eye)) ** 2).sum() / (k * (k - 1))

    def ent(p):
        m = p.mean(0)
        return math.log(k) + (m * torch.log(m + 1e-12)).sum()

    return diag + off + ent(pq) + ent(pk)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("x")
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=200)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.from_numpy(np.load(a.x).astype(np.float32))
    n, g = x.shape
    enc, key, heads = Encoder(g, [200, 40, 60]), Encoder(g, [200, 40, 60]), Heads(60, a.k)
    key.load_state_dict(enc.state_dict())
    for p in key.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(list(enc.parameters()) + list(heads.parameters()), lr=0.2)
    seconds = []
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        lr = 0.2 * (1e-3 + (1 - 1e-3) * 0.5 * (1 + math.cos(math.pi * epoch / 500)))
        for group in opt.param_groups:
            group["lr"] = lr
        order = torch.randperm(n)
        for s in range(0, n, a.batch):
            xb = x[order[s : s + a.batch]]
            if xb.shape[0] < 2:
                continue
            v1 = F.dropout(xb, 0.9) + 0.1 * torch.randn_like(xb)
            v2 = F.dropout(xb, 0.9) + 0.1 * torch.randn_like(xb)
            with torch.no_grad():
                for pk, pq in zip(key.parameters(), enc.parameters()):
                    pk.mul_(0.5).add_(pq, alpha=0.5)
                zk, ck = heads(key(v2))
            zq, cq = heads(enc(v1))
            loss = fn_instance_loss(zq, zk) + cluster_loss(cq, ck, a.k)
            opt.zero_grad()
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"threads": a.threads, "torch": torch.__version__, "secondsPerEpoch": seconds}))


if __name__ == "__main__":
    main()
