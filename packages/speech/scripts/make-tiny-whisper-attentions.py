"""Writes src/transcribe/fixtures/tiny-whisper-attentions/decoder_model_merged.onnx: the tiny fixture's decoder
(make-tiny-whisper.py) with one more output, `cross_attentions.0` [batch, 1 head, new tokens, 1500 frames], so
that transformers.js can time words (`return_timestamps: 'word'`: dynamic time warping over the cross attention of
the generation config's alignment_heads). Every token "attends" to the loud frames: a softmax over the frame levels
the decoder already computes. It is for wiring tests (word-timestamps.test.ts); it recognises nothing.
Usage: /usr/bin/python3 packages/speech/scripts/make-tiny-whisper-attentions.py   (Debian python3-onnx)
"""
import os
import onnx
from onnx import TensorProto, helper

fixtures = os.path.join(os.path.dirname(__file__), '..', 'src', 'transcribe', 'fixtures')
model = onnx.load(os.path.join(fixtures, 'tiny-whisper', 'onnx', 'decoder_model_merged.onnx'))
graph = model.graph
i64 = lambda name, values: helper.make_tensor(name, TensorProto.INT64, [len(values)], values)
graph.initializer.extend([
    helper.make_tensor('attn_sharpness', TensorProto.FLOAT, [], [30.0]),
    i64('attn_axes', [1, 2]), i64('attn_from', [1]), i64('attn_to', [2]), i64('attn_ones', [1, 1]), i64('attn_frames', [1500]),
])
graph.node.extend([
    helper.make_node('Mul', ['level', 'attn_sharpness'], ['attn_logits']),                      # [b, 1500]
    helper.make_node('Softmax', ['attn_logits'], ['attn'], axis=1),
    helper.make_node('Unsqueeze', ['attn', 'attn_axes'], ['attn4']),                             # [b, 1, 1, 1500]
    helper.make_node('Slice', ['ids_shape', 'attn_from', 'attn_to'], ['attn_tokens']),           # [new tokens]
    helper.make_node('Concat', ['attn_ones', 'attn_tokens', 'attn_frames'], ['attn_shape'], axis=0),
    helper.make_node('Expand', ['attn4', 'attn_shape'], ['cross_attentions.0']),                 # [b, 1, new, 1500]
])
graph.output.append(helper.make_tensor_value_info('cross_attentions.0', TensorProto.FLOAT, ['batch_size', 1, 'decoder_sequence_length', 1500]))
onnx.checker.check_model(model)
out = os.path.join(fixtures, 'tiny-whisper-attentions')
os.makedirs(out, exist_ok=True)
onnx.save(model, os.path.join(out, 'decoder_model_merged.onnx'))
print('wrote', os.path.normpath(out))
