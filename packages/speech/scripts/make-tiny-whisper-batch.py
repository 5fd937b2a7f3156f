"""Writes src/transcribe/fixtures/tiny-whisper-batch/: the tiny fixture's decoders (make-tiny-whisper.py, and
make-tiny-whisper-attentions.py's with cross attentions) able to run a batch of sequences, as a real Whisper decoder
does: the originals build their script of tokens from constants of batch 1, so only one sequence runs at a time.
Here those constants are expanded to the batch; each row then writes what the original writes for one sequence.
For beam search's wiring tests (beam-search.test.ts: beams run as one batch); they recognise nothing.
Usage: /usr/bin/python3 packages/speech/scripts/make-tiny-whisper-batch.py   (Debian python3-onnx)
"""
import os
import onnx
from onnx import helper

fixtures = os.path.join(os.path.dirname(__file__), '..', 'src', 'transcribe', 'fixtures')
out = os.path.join(fixtures, 'tiny-whisper-batch')
os.makedirs(out, exist_ok=True)

def batched(source, target):
    model = onnx.load(source)
    graph = model.graph
    nodes = list(graph.node)
    at = next(i for i, n in enumerate(nodes) if n.output == ['script'])
    expand = [
        helper.make_node('Shape', ['first'], ['batch_shape']),                  # [b, 1]
        helper.make_node('Expand', ['word', 'batch_shape'], ['word_rows']),
        helper.make_node('Expand', ['eot', 'batch_shape'], ['eot_rows']),
    ]
    script = nodes[at]
    script.input[:] = ['t_start', 'word_rows', 't_end', 'eot_rows']
    del graph.node[:]
    graph.node.extend(nodes[:at] + expand + nodes[at:])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, target))

batched(os.path.join(fixtures, 'tiny-whisper', 'onnx', 'decoder_model_merged.onnx'), 'decoder_model_merged.onnx')
batched(os.path.join(fixtures, 'tiny-whisper-attentions', 'decoder_model_merged.onnx'), 'decoder_attentions_merged.onnx')
print('wrote', os.path.normpath(out))
