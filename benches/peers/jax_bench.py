"""JAX (jit, CPU) on the MLP step and conv2d workloads of benches/benches/*.rs."""
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
