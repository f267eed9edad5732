#!/usr/bin/python3
"""Makes the tiny model fixtures for the %model tests and the models notebook (Debian's python3-torch 1.13).

    /usr/bin/python3 extensions/djl/src/test/python/make_model_fixtures.py [OUT_DIR]
    /usr/bin/python3 extensions/djl/src/test/python/make_model_fixtures.py --bench OUT_DIR

Writes into extensions/djl/src/test/resources/models/ by default:
  mlp.pt                 scripted MLP, float32 [N, 4] -> [N, 3]
  classifier/            traced CNN colour classifier, [N, 3, 32, 32] (ImageNet-normalised RGB) -> [N, 3] logits
    classifier.pt
    synset.txt           red, green, blue
  mlp_state_dict.pth     torch.save(model.state_dict()): weights only, not loadable by DJL (error test)
  truncated.pt           the first half of mlp.pt (error test)
Deterministic (fixed seeds); a few tens of KiB in all.

--bench writes the larger models bench/serve_bench.py serves besides the classifier, models nobody tuned the endpoint
for (about 45 MiB, so made on demand, never committed):
  resnet18/resnet18.pt   torchvision's resnet18 architecture, random weights (no download), traced at
                         [1, 3, 224, 224] -> [N, 1000]
  mlp512/mlp512.pt       scripted MLP, float32 [N, 512] -> 512 -> 256 -> [N, 10]
"""
import os
import sys

import torch
import torch.nn as nn

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
COLOURS = ["red", "green", "blue"]


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))

    def forward(self, x):
        return self.net(x)


class ColourNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


def colour_batch(n, size=32, generator=None):
    """Images mostly of one primary colour with noise, normalised like DJL's ToTensor + Normalize."""
    labels = torch.randint(0, 3, (n,), generator=generator)
    img = torch.rand(n, 3, size, size, generator=generator) * 0.35
    for i in range(n):
        img[i, labels[i]] += 0.6
    img = img.clamp(0, 1)
    return (img - MEAN) / STD, labels


class Mlp512(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))

    def forward(self, x):
        return self.net(x)


def bench_fixtures(out):
    import torchvision  # only the benchmark needs it (python3-torchvision)
    torch.manual_seed(0)
    os.makedirs(os.path.join(out, "resnet18"), exist_ok=True)
    os.makedirs(os.path.join(out, "mlp512"), exist_ok=True)
    resnet = torchvision.models.resnet18(weights=None, num_classes=1000).eval()
    with torch.no_grad():
        torch.jit.trace(resnet, torch.zeros(1, 3, 224, 224)).save(os.path.join(out, "resnet18", "resnet18.pt"))
    torch.jit.script(Mlp512().eval()).save(os.path.join(out, "mlp512", "mlp512.pt"))
    print(f"wrote {out}: resnet18/resnet18.pt, mlp512/mlp512.pt")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--bench":
        bench_fixtures(os.path.abspath(sys.argv[2]))
        return
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "resources", "models")
    out = os.path.abspath(out)
    os.makedirs(os.path.join(out, "classifier"), exist_ok=True)
    torch.manual_seed(0)

    mlp = Mlp().eval()
    torch.jit.script(mlp).save(os.path.join(out, "mlp.pt"))
    torch.save(mlp.state_dict(), os.path.join(out, "mlp_state_dict.pth"))
    with open(os.path.join(out, "mlp.pt"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])

    net = ColourNet()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    g = torch.Generator().manual_seed(1)
    for _ in range(150):
        x, y = colour_batch(32, generator=g)
        loss = nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    x, y = colour_batch(256, generator=g)
    with torch.no_grad():
        acc = (net(x).argmax(1) == y).float().mean().item()
    traced = torch.jit.trace(net, torch.zeros(1, 3, 32, 32))
    traced.save(os.path.join(out, "classifier", "classifier.pt"))
    with open(os.path.join(out, "classifier", "synset.txt"), "w") as f:
        f.write("\n".join(COLOURS) + "\n")
    print(f"wrote {out}: mlp.pt, mlp_state_dict.pth, truncated.pt, classifier/ (accuracy {acc:.3f}, loss {loss.item():.3f})")


if __name__ == "__main__":
    main()
