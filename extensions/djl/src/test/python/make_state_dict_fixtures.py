#!/usr/bin/python3
"""Makes the state_dict fixtures for `%model load ... --arch` (Debian's python3-torch 1.13 + python3-torchvision).

    /usr/bin/python3 extensions/djl/src/test/python/make_state_dict_fixtures.py OUT_DIR

Too big to commit (a ResNet-18 is ~43 MiB), so tests and the notebook make them into an ignored folder
(target/, build/, a temp dir). Deterministic (fixed seeds); about 5 s on 2 cores. Writes:
  best_model.pth          torchvision resnet18(num_classes=3) state_dict, like the seed's best_model.pth. Its head is
                          solved so that a solid red/green/blue picture is class red/green/blue (its trunk keeps its
                          random init): the right class of a known image is known by construction.
  synset.txt              red, green, blue (3 names: fits best_model.pth, not tiny_net's 4 outputs)
  tiny_net.py             a user's own architecture, TinyNet(num_classes=4): --arch tiny_net.py:TinyNet
  tiny_state_dict.pth     TinyNet's state_dict
  tiny_checkpoint.pth     {"epoch": 7, "state_dict": ..., "optimizer": ...}: a training checkpoint
  tiny_module_prefix.pth  the keys as DataParallel saves them ("module.conv.weight", ...)
  tiny_truncated.pth      the first half of tiny_state_dict.pth
  red.png                 a 224x224 mostly-red picture with noise (a "known image")
"""
import os
import sys

import torch
import torch.nn as nn
import torchvision

TINY_NET = '''import torch
import torch.nn as nn


class TinyNet(nn.Module):
    """A small CNN: [N, 3, H, W] -> [N, num_classes]."""

    def __init__(self, num_classes: int = 4):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))
'''
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
COLOURS = ["red", "green", "blue"]


def solid(channel, size=224):
    img = torch.zeros(1, 3, size, size)
    img[:, channel] = 1.0
    return (img - MEAN) / STD


def resnet_with_colour_head():
    torch.manual_seed(0)
    net = torchvision.models.resnet18(num_classes=3).eval()
    trunk = nn.Sequential(*list(net.children())[:-1])
    with torch.no_grad():
        feats = torch.cat([torch.flatten(trunk(solid(c)), 1) for c in range(3)])  # [3, 512]
        feats = feats - feats.mean(0, keepdim=True)
        # logits = W f + b with W = 10 * pinv(F): 10 for the picture's own colour, 0 for the others
        w = 10 * torch.linalg.pinv(feats).T
        centre = torch.cat([torch.flatten(trunk(solid(c)), 1) for c in range(3)]).mean(0)
        net.fc.weight.copy_(w)
        net.fc.bias.copy_(-(w @ centre))
        check = [int(net(solid(c)).argmax()) for c in range(3)]
    assert check == [0, 1, 2], check
    return net


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "state-dict-fixtures")
    os.makedirs(out, exist_ok=True)
    torch.save(resnet_with_colour_head().state_dict(), os.path.join(out, "best_model.pth"))
    with open(os.path.join(out, "synset.txt"), "w") as f:
        f.write("\n".join(COLOURS) + "\n")

    with open(os.path.join(out, "tiny_net.py"), "w") as f:
        f.write(TINY_NET)
    sys.path.insert(0, out)
    from tiny_net import TinyNet
    torch.manual_seed(1)
    tiny = TinyNet()
    sd = tiny.state_dict()
    torch.save(sd, os.path.join(out, "tiny_state_dict.pth"))
    torch.save({"epoch": 7, "state_dict": sd, "optimizer": {"lr": 0.01}}, os.path.join(out, "tiny_checkpoint.pth"))
    torch.save({"module." + k: v for k, v in sd.items()}, os.path.join(out, "tiny_module_prefix.pth"))
    with open(os.path.join(out, "tiny_state_dict.pth"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "tiny_truncated.pth"), "wb") as f:
        f.write(data[: len(data) // 2])

    g = torch.Generator().manual_seed(2)
    img = torch.rand(3, 224, 224, generator=g) * 0.3
    img[0] += 0.65
    from PIL import Image
    pixels = (img.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    Image.fromarray(pixels).save(os.path.join(out, "red.png"))
    print(f"wrote {out}: best_model.pth, synset.txt, tiny_net.py, tiny_*.pth, red.png")


if __name__ == "__main__":
    main()
