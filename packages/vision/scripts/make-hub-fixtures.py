"""Writes the tiny hand-set ONNX models, in transformers.js's folder layout (config.json, preprocessor_config.json,
onnx/model.onnx), that the wiring tests of hub-style models use. They exercise loading, pre-processing and
decoding through transformers.js and know nothing else:
- src/classify/fixtures/tiny-vit: pixel_values [batch, 3, 32, 32] -> mean over the image -> 2 logits, 'light'
  when the picture is bright, 'dark' when not (ViT's inputs and outputs).
- src/detect/fixtures/tiny-detr: DETR's outputs for two queries, always: query 0 is a 'square' box covering the
  middle half of the image (cx, cy, w, h = 0.5) whose score rises with brightness, query 1 is 'no object'.
Usage: /usr/bin/python3 packages/vision/scripts/make-hub-fixtures.py   (Debian python3 with python3-onnx)
"""
import json
import os

import onnx
from onnx import TensorProto, helper

SRC = os.path.join(os.path.dirname(__file__), "..", "src")


def processor(kind, size):
    return {
        "image_processor_type": kind,
        "do_resize": True,
        "size": {"height": size, "width": size},
        "resample": 2,
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
    }


def write(folder, graph, config, preprocessor):
    here = os.path.join(SRC, folder)
    os.makedirs(os.path.join(here, "onnx"), exist_ok=True)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="dlkit")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(here, "onnx", "model.onnx"))
    for name, content in (("config.json", config), ("preprocessor_config.json", preprocessor)):
        with open(os.path.join(here, name), "w") as f:
            json.dump(content, f, indent=2)
            f.write("\n")
    print("wrote", os.path.normpath(here))


def labels(names):
    return {"id2label": {str(i): n for i, n in enumerate(names)}, "label2id": {n: i for i, n in enumerate(names)}}


write(
    "classify/fixtures/tiny-vit",
    helper.make_graph(
        [
            helper.make_node("ReduceMean", ["pixel_values"], ["mean"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["mean", "W"], ["scores"]),
            helper.make_node("Add", ["scores", "B"], ["logits"]),
        ],
        "tiny-vit",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 32, 32])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", 2])],
        [
            helper.make_tensor("W", TensorProto.FLOAT, [3, 2], [4.0, -4.0, 4.0, -4.0, 4.0, -4.0]),
            helper.make_tensor("B", TensorProto.FLOAT, [2], [0.0, 0.0]),
        ],
    ),
    {"model_type": "vit", "architectures": ["ViTForImageClassification"], **labels(["light", "dark"]), "image_size": 32, "num_channels": 3},
    processor("ViTImageProcessor", 32),
)

write(
    "detect/fixtures/tiny-detr",
    helper.make_graph(
        [
            # brightness in [-1, 1] after the processor's normalisation -> [batch, 1, 1]
            helper.make_node("ReduceMean", ["pixel_values"], ["mean"], axes=[1, 2, 3], keepdims=0),
            helper.make_node("Reshape", ["mean", "shape_b11"], ["m"]),
            # logits [batch, 2 queries, 2 classes + no-object]: query 0 says 'square' with 8 * brightness
            helper.make_node("Mul", ["m", "scale"], ["scaled"]),
            helper.make_node("Add", ["scaled", "logit_base"], ["logits"]),
            helper.make_node("Mul", ["m", "zeros"], ["zero"]),
            helper.make_node("Add", ["zero", "boxes"], ["pred_boxes"]),
        ],
        "tiny-detr",
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, "height", "width"])],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", 2, 3]),
            helper.make_tensor_value_info("pred_boxes", TensorProto.FLOAT, ["batch_size", 2, 4]),
        ],
        [
            helper.make_tensor("shape_b11", TensorProto.INT64, [3], [-1, 1, 1]),
            helper.make_tensor("scale", TensorProto.FLOAT, [2, 3], [8, 0, 0, 0, 0, 0]),
            helper.make_tensor("logit_base", TensorProto.FLOAT, [2, 3], [0, -4, 0, -4, -4, 4]),
            helper.make_tensor("zeros", TensorProto.FLOAT, [2, 4], [0] * 8),
            helper.make_tensor("boxes", TensorProto.FLOAT, [2, 4], [0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1]),
        ],
    ),
    {"model_type": "detr", "architectures": ["DetrForObjectDetection"], **labels(["square", "circle"]), "num_labels": 2},
    {**processor("DetrImageProcessor", 64), "do_pad": False},
)
