"""JAX (jit, CPU) on the MLP step, conv2d and LSTM workloads of benches/benches/*.rs."""
import jax
import jax.numpy as jnp

from common import bench

print("# jax", jax.__version__, jax.devices())
key = jax.random.PRNGKey(0)
ks = jax.random.split(key, 8)


def init(k, fan_in, fan_out):
    return jax.random.uniform(k, (fan_in, fan_out), minval=-1, maxval=1) * (6 / fan_in) ** 0.5, jnp.zeros(fan_out)


params = [init(ks[0], 784, 256), init(ks[1], 256, 256), init(ks[2], 256, 10)]
x = jax.random.normal(ks[3], (128, 784))
labels = jax.random.randint(ks[4], (128,), 0, 10)


def loss_fn(params, x, labels):
    h = x
    for i, (w, b) in enumerate(params):
        h = h @ w + b
        if i < len(params) - 1:
            h = jax.nn.relu(h)
    logp = jax.nn.log_softmax(h)
    return -jnp.mean(logp[jnp.arange(labels.shape[0]), labels])


@jax.jit
def step(params, x, labels):
    grads = jax.grad(loss_fn)(params, x, labels)
    return jax.tree_util.tree_map(lambda p, g: p - 0.01 * g, params, grads)


state = {"p": params}
def mlp_step():
    state["p"] = step(state["p"], x, labels)
    jax.block_until_ready(state["p"])
bench("mlp_784_256_256_10_step_b128", mlp_step)

img = jax.random.normal(ks[5], (64, 3, 32, 32))
w = jax.random.normal(ks[6], (16, 3, 3, 3)) * 0.2
b = jnp.zeros(16)


def conv_loss(img, w, b):
    y = jax.lax.conv_general_dilated(img, w, (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NCHW", "OIHW", "NCHW"))
    return jnp.sum(y + b[None, :, None, None])


conv_grad = jax.jit(jax.grad(conv_loss, argnums=(0, 1, 2)))
bench("conv2d_64x3x32x32_16x3x3/forward_backward", lambda: jax.block_until_ready(conv_grad(img, w, b)))

# LSTM language-model-shaped step (benches/benches/lstm.rs) with lax.scan under jit.
B, T, I, H, V = 64, 20, 32, 128, 50
lk = jax.random.split(ks[7], 6)
k = 1 / H**0.5
lstm_params = {
    "w_x": jax.random.uniform(lk[0], (I, 4 * H), minval=-k, maxval=k),
    "w_h": jax.random.uniform(lk[1], (H, 4 * H), minval=-k, maxval=k),
    "b": jnp.zeros(4 * H),
    "w_o": jax.random.uniform(lk[2], (H, V), minval=-k, maxval=k),
    "b_o": jnp.zeros(V),
}
seq_x = jax.random.normal(lk[3], (B, T, I))
seq_targets = jnp.array([(i * 7 + i // 3) % V for i in range(B * T)])


def lstm_loss(p, x, targets):
    xwb = jnp.einsum("bti,ig->tbg", x, p["w_x"]) + p["b"]

    def cell(state, xwb_t):
        h, c = state
        a = xwb_t + h @ p["w_h"]
        i, f, g, o = jnp.split(a, 4, axis=1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), h

    _, hs = jax.lax.scan(cell, (jnp.zeros((B, H)), jnp.zeros((B, H))), xwb)
    logits = jnp.transpose(hs, (1, 0, 2)).reshape(B * T, H) @ p["w_o"] + p["b_o"]
    logp = jax.nn.log_softmax(logits)
    return -jnp.mean(logp[jnp.arange(B * T), targets])


def adam_init(p):
    zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
    return (p, zeros, zeros, 0)


@jax.jit
def lstm_adam_step(state, x, targets):
    p, m, v, t = state
    g = jax.grad(lstm_loss)(p, x, targets)
    t = t + 1
    m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
    v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
    p = jax.tree_util.tree_map(
        lambda p, m, v: p - 1e-3 * (m / (1 - 0.9**t)) / (jnp.sqrt(v / (1 - 0.999**t)) + 1e-8), p, m, v
    )
    return (p, m, v, t)


lstm_state = {"s": adam_init(lstm_params)}
def lstm_step():
    lstm_state["s"] = lstm_adam_step(lstm_state["s"], seq_x, seq_targets)
    jax.block_until_ready(lstm_state["s"][0])
bench("lstm_lm_b64_t20_h128/lstm_train_step", lstm_step)
