"""Writes src/classify/fixtures/tiny-bert: a tiny hand-set "BERT" text classifier in transformers.js's folder
layout (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx) for wiring tests: a 14-word
WordPiece vocabulary, and logits that add up fixed per-word evidence (good/great -> POSITIVE, bad/awful ->
NEGATIVE). It only exercises tokenizing, loading and decoding through transformers.js; it knows nothing else.
Usage: /usr/bin/python3 packages/nlp/scripts/make-tiny-bert.py   (Debian python3 with python3-onnx)
"""
import json, os
import onnx
from onnx import TensorProto, helper
here = os.path.join(os.path.dirname(__file__), '..', 'src', 'classify', 'fixtures', 'tiny-bert')
os.makedirs(here + '/onnx', exist_ok=True)
vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'good', 'great', 'bad', 'awful', 'movie', 'the', 'was', 'a', '.', '!']
V = len(vocab)
# per-token (negative, positive) evidence
ev = {'good': (0, 2), 'great': (0, 3), 'bad': (2, 0), 'awful': (3, 0)}
E = []
for w in vocab:
    E += list(ev.get(w, (0, 0)))
graph = helper.make_graph(
    [
        helper.make_node('Gather', ['E', 'input_ids'], ['tok']),  # [b, n, 2]
        helper.make_node('Cast', ['attention_mask'], ['maskf'], to=TensorProto.FLOAT),
        helper.make_node('Unsqueeze', ['maskf', 'axes'], ['mask3']),
        helper.make_node('Mul', ['tok', 'mask3'], ['masked']),
        helper.make_node('ReduceSum', ['masked', 'axes1'], ['logits'], keepdims=0),
    ],
    'tiny-bert',
    [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch_size', 'sequence_length']),
     helper.make_tensor_value_info('attention_mask', TensorProto.INT64, ['batch_size', 'sequence_length'])],
    [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch_size', 2])],
    [helper.make_tensor('E', TensorProto.FLOAT, [V, 2], E), helper.make_tensor('axes', TensorProto.INT64, [1], [2]), helper.make_tensor('axes1', TensorProto.INT64, [1], [1])],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, here + '/onnx/model.onnx')
json.dump({'model_type': 'bert', 'architectures': ['BertForSequenceClassification'], 'id2label': {'0': 'NEGATIVE', '1': 'POSITIVE'}, 'label2id': {'NEGATIVE': 0, 'POSITIVE': 1}, 'max_position_embeddings': 64}, open(here + '/config.json', 'w'), indent=2)
tok = {
  'version': '1.0', 'truncation': None, 'padding': None,
  'added_tokens': [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for i, t in enumerate(vocab[:4])],
  'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
  'pre_tokenizer': {'type': 'BertPreTokenizer'},
  'post_processor': {'type': 'TemplateProcessing', 'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}], 'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}], 'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [2], 'tokens': ['[CLS]']}, '[SEP]': {'id': '[SEP]', 'ids': [3], 'tokens': ['[SEP]']}}},
  'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
  'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
}
json.dump(tok, open(here + '/tokenizer.json', 'w'))
json.dump({'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': 64, 'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]'}, open(here + '/tokenizer_config.json', 'w'), indent=2)
print('wrote', os.path.normpath(here))
