"""Writes src/summarize/fixtures/tiny-bart: a tiny hand-set "BART" summarizer in transformers.js's seq2seq layout
(config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/encoder_model.onnx,
onnx/decoder_model_merged.onnx with past/present key-value inputs and outputs) for wiring tests. One-hot
"hidden states"; the decoder copies the content words of the input, best-scored first, each once (it reads the
words it already wrote from its key-value cache), then ends with </s>. It exercises tokenizing, the encoder,
generation with the cache, and decoding through transformers.js; it knows nothing about summaries.
Usage: /usr/bin/python3 packages/nlp/scripts/make-tiny-bart.py   (Debian python3 with python3-onnx)
"""
import json, os
import onnx
from onnx import TensorProto, helper
here = os.path.join(os.path.dirname(__file__), '..', 'src', 'summarize', 'fixtures', 'tiny-bart')
os.makedirs(here + '/onnx', exist_ok=True)
special = ['<s>', '<pad>', '</s>', '<unk>']
content = ['cat', 'dog', 'park', 'mat', 'sun', 'sat', 'ran', 'warm']  # copied in this order of preference
function = ['the', 'a', 'on', 'in', 'was', 'and', '.', ',']            # never copied
vocab = special + content + function
V = len(vocab)
EOS = 2
score = [0.0] * V
for rank, word in enumerate(content):
    score[vocab.index(word)] = 10.0 - rank  # > 1, the end-of-summary logit
bias = [-100.0 if i in (0, 1, 3) else 0.0 for i in range(V)]
bias[EOS] = 1.0
penalty = [-100.0] * V
penalty[EOS] = 0.0  # the decoder starts from </s>: having seen it must not forbid ending
eye = [1.0 if i == j else 0.0 for i in range(V) for j in range(V)]
opset = [helper.make_opsetid('', 13)]

def save(graph, name):
    model = helper.make_model(graph, opset_imports=opset)
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, f'{here}/onnx/{name}.onnx')

# Encoder: last_hidden_state[b, s] = one-hot(input_ids[b, s]) * attention_mask[b, s]
save(helper.make_graph(
    [
        helper.make_node('Gather', ['I', 'input_ids'], ['onehot']),
        helper.make_node('Cast', ['attention_mask'], ['maskf'], to=TensorProto.FLOAT),
        helper.make_node('Unsqueeze', ['maskf', 'axis2'], ['mask3']),
        helper.make_node('Mul', ['onehot', 'mask3'], ['last_hidden_state']),
    ],
    'tiny-bart-encoder',
    [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch_size', 'encoder_sequence_length']),
     helper.make_tensor_value_info('attention_mask', TensorProto.INT64, ['batch_size', 'encoder_sequence_length'])],
    [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch_size', 'encoder_sequence_length', V])],
    [helper.make_tensor('I', TensorProto.FLOAT, [V, V], eye), helper.make_tensor('axis2', TensorProto.INT64, [1], [2])],
), 'encoder_model')

# Decoder with cache: the decoder "keys" are the one-hot tokens written so far (past + new), the encoder ones
# the encoder states; logits = copy score of input words - penalty for words already written + bias.
past = lambda kind, part: f'past_key_values.0.{kind}.{part}'
present = lambda kind, part: f'present.0.{kind}.{part}'
save(helper.make_graph(
    [
        helper.make_node('Gather', ['I', 'input_ids'], ['tok']),                      # [b, t, V]
        helper.make_node('Unsqueeze', ['tok', 'axis1'], ['tok4']),                    # [b, 1, t, V]
        helper.make_node('Concat', [past('decoder', 'key'), 'tok4'], [present('decoder', 'key')], axis=2),
        helper.make_node('Concat', [past('decoder', 'value'), 'tok4'], [present('decoder', 'value')], axis=2),
        helper.make_node('Unsqueeze', ['encoder_hidden_states', 'axis1'], [present('encoder', 'key')]),
        helper.make_node('Unsqueeze', ['encoder_hidden_states', 'axis1'], [present('encoder', 'value')]),
        helper.make_node('ReduceMax', [present('decoder', 'key')], ['seen'], axes=[1, 2], keepdims=0),  # [b, V]
        helper.make_node('ReduceMax', ['encoder_hidden_states'], ['bag'], axes=[1], keepdims=0),        # [b, V]
        helper.make_node('Mul', ['bag', 'score'], ['copy']),
        helper.make_node('Mul', ['seen', 'penalty'], ['repeat']),
        helper.make_node('Add', ['copy', 'repeat'], ['s1']),
        helper.make_node('Add', ['s1', 'bias'], ['scores']),
        helper.make_node('Unsqueeze', ['scores', 'axis1'], ['scores3']),                # [b, 1, V]
        helper.make_node('Mul', ['tok', 'zero'], ['zeros']),                            # [b, t, V]
        helper.make_node('Add', ['zeros', 'scores3'], ['logits']),
    ],
    'tiny-bart-decoder',
    [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch_size', 'decoder_sequence_length']),
     helper.make_tensor_value_info('encoder_attention_mask', TensorProto.INT64, ['batch_size', 'encoder_sequence_length']),
     helper.make_tensor_value_info('encoder_hidden_states', TensorProto.FLOAT, ['batch_size', 'encoder_sequence_length', V]),
     *[helper.make_tensor_value_info(past(kind, part), TensorProto.FLOAT, ['batch_size', 1, f'past_{kind}_sequence_length', V])
       for kind in ('decoder', 'encoder') for part in ('key', 'value')],
     helper.make_tensor_value_info('use_cache_branch', TensorProto.BOOL, [1])],
    [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch_size', 'decoder_sequence_length', V]),
     *[helper.make_tensor_value_info(present(kind, part), TensorProto.FLOAT, ['batch_size', 1, f'present_{kind}_sequence_length', V])
       for kind in ('decoder', 'encoder') for part in ('key', 'value')]],
    [helper.make_tensor('I', TensorProto.FLOAT, [V, V], eye), helper.make_tensor('axis1', TensorProto.INT64, [1], [1]),
     helper.make_tensor('score', TensorProto.FLOAT, [V], score), helper.make_tensor('penalty', TensorProto.FLOAT, [V], penalty),
     helper.make_tensor('bias', TensorProto.FLOAT, [V], bias), helper.make_tensor('zero', TensorProto.FLOAT, [], [0.0])],
), 'decoder_model_merged')

json.dump({'model_type': 'bart', 'architectures': ['BartForConditionalGeneration'], 'is_encoder_decoder': True, 'vocab_size': V,
           'd_model': V, 'encoder_layers': 1, 'decoder_layers': 1, 'encoder_attention_heads': 1, 'decoder_attention_heads': 1,
           'bos_token_id': 0, 'pad_token_id': 1, 'eos_token_id': EOS, 'decoder_start_token_id': EOS, 'max_position_embeddings': 64},
          open(here + '/config.json', 'w'), indent=2)
json.dump({'bos_token_id': 0, 'pad_token_id': 1, 'eos_token_id': EOS, 'decoder_start_token_id': EOS, 'max_length': 20, 'num_beams': 1},
          open(here + '/generation_config.json', 'w'), indent=2)
tok = {
  'version': '1.0', 'truncation': None, 'padding': None,
  'added_tokens': [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for i, t in enumerate(special)],
  'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
  'pre_tokenizer': {'type': 'BertPreTokenizer'},
  'post_processor': {'type': 'TemplateProcessing', 'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
                     'pair': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '</s>', 'type_id': 1}}],
                     'special_tokens': {'<s>': {'id': '<s>', 'ids': [0], 'tokens': ['<s>']}, '</s>': {'id': '</s>', 'ids': [EOS], 'tokens': ['</s>']}}},
  'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
  'model': {'type': 'WordPiece', 'unk_token': '<unk>', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
}
json.dump(tok, open(here + '/tokenizer.json', 'w'))
json.dump({'tokenizer_class': 'BartTokenizer', 'model_max_length': 64, 'bos_token': '<s>', 'eos_token': '</s>', 'pad_token': '<pad>', 'unk_token': '<unk>'},
          open(here + '/tokenizer_config.json', 'w'), indent=2)
print('wrote', os.path.normpath(here))
