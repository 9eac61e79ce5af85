"""PyTorch (CPU, 1 thread) on the workloads of benches/benches/captioning.rs: the
captioner of captioning SPEC section 10, one training step of a batch of 32 (teacher
forcing, cross-entropy over the non-pad targets, backward, clip_grad_norm_ 5, Adam
2e-3) and greedy decoding of 250 images. Random images and captions of the same
shapes: the time does not depend on the pixels."""
import torch
import torch.nn.functional as F

from common import bench

torch.set_num_threads(1)
torch.manual_seed(0)
print("# torch", torch.__version__, "threads", torch.get_num_threads())

GROUP = "captioner_batch_32"
VOCAB, EMBED, HIDDEN, STEPS, PAD, BOS, EOS = 20, 32, 128, 11, 0, 1, 2


class Captioner(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = torch.nn.ModuleList(
            [torch.nn.Conv2d(a, b, 3, padding=1) for a, b in [(3, 8), (8, 16), (16, 32)]]
        )
        self.mlp_hidden, self.mlp_state = torch.nn.Linear(512, 128), torch.nn.Linear(128, 256)
        self.embedding = torch.nn.Embedding(VOCAB, EMBED)
        self.lstm = torch.nn.LSTM(EMBED, HIDDEN, batch_first=True)
        self.readout = torch.nn.Linear(HIDDEN, VOCAB)
        for m in [*self.convs, self.mlp_hidden, self.mlp_state]:
            torch.nn.init.kaiming_normal_(m.weight)
            torch.nn.init.zeros_(m.bias)
        with torch.no_grad():
            self.lstm.bias_ih_l0[HIDDEN:2 * HIDDEN].fill_(1.0)

    def encode(self, images):
        x = images
        for conv in self.convs:
            x = F.max_pool2d(F.relu(conv(x)), 2)
        z = self.mlp_state(F.relu(self.mlp_hidden(x.flatten(1))))
        h0 = torch.tanh(F.layer_norm(z[:, :HIDDEN], (HIDDEN,)))
        c0 = F.layer_norm(z[:, HIDDEN:], (HIDDEN,))
        return h0[None].contiguous(), c0[None].contiguous()

    def loss(self, images, inputs, targets):
        out, _ = self.lstm(self.embedding(inputs), self.encode(images))
        return F.cross_entropy(self.readout(out).flatten(0, 1), targets.flatten(), ignore_index=PAD)

    @torch.no_grad()
    def greedy(self, images):
        h, c = self.encode(images)
        last = torch.full((images.shape[0], 1), BOS)
        captions = []
        for _ in range(12):
            out, (h, c) = self.lstm(self.embedding(last), (h, c))
            last = self.readout(out[:, -1]).argmax(1, keepdim=True)
            captions.append(last)
            if bool((torch.cat(captions, 1) == EOS).any(1).all()):
                break
        return torch.cat(captions, 1)


model = Captioner()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
images = torch.rand(32, 3, 32, 32) - 0.5
lengths = torch.randint(5, 12, (32,))
targets = torch.randint(3, VOCAB, (32, STEPS))
targets[torch.arange(STEPS)[None] >= lengths[:, None]] = PAD
inputs = torch.cat([torch.full((32, 1), BOS), targets[:, :-1].clamp(min=0)], 1)


def train_step():
    opt.zero_grad(set_to_none=True)
    loss = model.loss(images, inputs, targets)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    opt.step()


bench(f"{GROUP}/train_step", train_step)
# Decoded by a fresh model, as in the Rust bench: one trained on a single batch might stop early.
fresh = Captioner()
test_images = torch.rand(250, 3, 32, 32) - 0.5
bench(f"{GROUP}/greedy_250", lambda: fresh.greedy(test_images))
