"""Writes src/transcribe/fixtures/tiny-whisper: a tiny hand-set "Whisper" in transformers.js's layout
(config.json, generation_config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json,
onnx/encoder_model.onnx, onnx/decoder_model_merged.onnx with past/present key-value inputs and outputs) for
wiring tests. The "encoder" averages the log-mel bands of each pair of frames; the "decoder" finds the first and
last frames whose level is well above the window's quietest, and writes <|start|> speech <|end|> <|endoftext|>,
one token per step (it counts steps by the length of its key-value cache). It exercises feature extraction,
generation with timestamps, and transformers.js's timestamp decoding, on real audio positions; it recognises
nothing. Usage: /usr/bin/python3 packages/speech/scripts/make-tiny-whisper.py   (Debian python3-onnx)
"""
import json, os
import onnx
from onnx import TensorProto, helper
here = os.path.join(os.path.dirname(__file__), '..', 'src', 'transcribe', 'fixtures', 'tiny-whisper')
os.makedirs(here + '/onnx', exist_ok=True)
specials = ['<|endoftext|>', 'speech', '<|startoftranscript|>', '<|en|>', '<|translate|>', '<|transcribe|>',
            '<|startoflm|>', '<|startofprev|>', '<|nocaptions|>', '<|notimestamps|>']
timestamps = [f'<|{i * 0.02:.2f}|>' for i in range(1501)]
vocab = specials + timestamps
V = len(vocab)
EOT, WORD, SOT, NOTS = 0, 1, 2, 9
TSB = NOTS + 1
MELS, D = 8, 8
opset = [helper.make_opsetid('', 13)]
i64 = lambda name, values, dims=None: helper.make_tensor(name, TensorProto.INT64, dims if dims is not None else [len(values)], values)

def save(graph, name):
    model = helper.make_model(graph, opset_imports=opset)
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, f'{here}/onnx/{name}.onnx')

# Encoder: [b, 8, 3000] log-mel -> mean of each pair of frames -> [b, 1500, 8]
save(helper.make_graph(
    [
        helper.make_node('Reshape', ['input_features', 'pairs'], ['paired']),                 # [b, 8, 1500, 2]
        helper.make_node('ReduceMean', ['paired'], ['pooled'], axes=[3], keepdims=0),        # [b, 8, 1500]
        helper.make_node('Transpose', ['pooled'], ['last_hidden_state'], perm=[0, 2, 1]),    # [b, 1500, 8]
    ],
    'tiny-whisper-encoder',
    [helper.make_tensor_value_info('input_features', TensorProto.FLOAT, ['batch_size', MELS, 3000])],
    [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch_size', 1500, D])],
    [i64('pairs', [-1, MELS, 1500, 2])],
), 'encoder_model')

past = lambda kind, part: f'past_key_values.0.{kind}.{part}'
present = lambda kind, part: f'present.0.{kind}.{part}'
save(helper.make_graph(
    [
        # the cache: decoder "keys" are the (zero) embeddings of the tokens so far, encoder ones its states
        helper.make_node('Gather', ['E', 'input_ids'], ['emb']),
        helper.make_node('Unsqueeze', ['emb', 'axis1'], ['emb4']),
        helper.make_node('Concat', [past('decoder', 'key'), 'emb4'], [present('decoder', 'key')], axis=2),
        helper.make_node('Concat', [past('decoder', 'value'), 'emb4'], [present('decoder', 'value')], axis=2),
        helper.make_node('Unsqueeze', ['encoder_hidden_states', 'axis1'], [present('encoder', 'key')]),
        helper.make_node('Unsqueeze', ['encoder_hidden_states', 'axis1'], [present('encoder', 'value')]),
        # where the sound is: frames more than 0.3 (log10 units / 4, ~12 dB) above the quietest one
        helper.make_node('ReduceMean', ['encoder_hidden_states'], ['level'], axes=[2], keepdims=0),       # [b, 1500]
        helper.make_node('ReduceMin', ['level'], ['floor'], axes=[1], keepdims=1),
        helper.make_node('Add', ['floor', 'margin'], ['gate']),
        helper.make_node('Greater', ['level', 'gate'], ['loud']),
        helper.make_node('Cast', ['loud'], ['loudf'], to=TensorProto.FLOAT),
        helper.make_node('ArgMax', ['loudf'], ['first'], axis=1, keepdims=1),                            # [b, 1]
        helper.make_node('Slice', ['loudf', 'rev_start', 'rev_end', 'axis1', 'minus1'], ['reversed']),
        helper.make_node('ArgMax', ['reversed'], ['from_end'], axis=1, keepdims=1),
        helper.make_node('Sub', ['n_frames', 'from_end'], ['last']),                                     # end of last loud frame
        helper.make_node('Add', ['first', 'tsb'], ['t_start']),
        helper.make_node('Add', ['last', 'tsb'], ['t_end']),
        helper.make_node('Concat', ['t_start', 'word', 't_end', 'eot'], ['script'], axis=1),            # [b, 4]
        # which step this is: tokens in the cache so far (past length + new tokens - 1), at most 3
        helper.make_node('Shape', [past('decoder', 'key')], ['past_shape']),
        helper.make_node('Gather', ['past_shape', 'index2'], ['past_len']),
        helper.make_node('Shape', ['input_ids'], ['ids_shape']),
        helper.make_node('Gather', ['ids_shape', 'index1'], ['new_len']),
        helper.make_node('Add', ['past_len', 'new_len'], ['seen']),
        helper.make_node('Sub', ['seen', 'one'], ['step']),
        helper.make_node('Min', ['step', 'three'], ['clamped']),
        helper.make_node('Gather', ['script', 'clamped'], ['token'], axis=1),                            # [b]
        helper.make_node('OneHot', ['token', 'depth', 'on_off'], ['scores']),                           # [b, V]
        helper.make_node('Unsqueeze', ['scores', 'axis1'], ['logits']),                                  # [b, 1, V]
    ],
    'tiny-whisper-decoder',
    [helper.make_tensor_value_info('input_ids', TensorProto.INT64, ['batch_size', 'decoder_sequence_length']),
     helper.make_tensor_value_info('encoder_hidden_states', TensorProto.FLOAT, ['batch_size', 1500, D]),
     *[helper.make_tensor_value_info(past(kind, part), TensorProto.FLOAT, ['batch_size', 1, f'past_{kind}_sequence_length', D])
       for kind in ('decoder', 'encoder') for part in ('key', 'value')],
     helper.make_tensor_value_info('use_cache_branch', TensorProto.BOOL, [1])],
    [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch_size', 1, V]),
     *[helper.make_tensor_value_info(present(kind, part), TensorProto.FLOAT, ['batch_size', 1, f'present_{kind}_sequence_length', D])
       for kind in ('decoder', 'encoder') for part in ('key', 'value')]],
    [helper.make_tensor('E', TensorProto.FLOAT, [V, D], [0.0] * (V * D)), i64('axis1', [1]), i64('minus1', [-1]),
     i64('rev_start', [-1]), i64('rev_end', [-1501]), i64('n_frames', [1500], []), i64('tsb', [TSB], []),
     i64('word', [WORD], [1, 1]), i64('eot', [EOT], [1, 1]), i64('index1', [1], []), i64('index2', [2], []),
     i64('one', [1], []), i64('three', [3], []), i64('depth', [V], []),
     helper.make_tensor('on_off', TensorProto.FLOAT, [2], [0.0, 20.0]), helper.make_tensor('margin', TensorProto.FLOAT, [], [0.3])],
), 'decoder_model_merged')

json.dump({'model_type': 'whisper', 'architectures': ['WhisperForConditionalGeneration'], 'is_encoder_decoder': True, 'vocab_size': V,
           'd_model': D, 'encoder_layers': 1, 'decoder_layers': 1, 'encoder_attention_heads': 1, 'decoder_attention_heads': 1,
           'num_mel_bins': MELS, 'max_source_positions': 1500, 'max_target_positions': 64,
           'bos_token_id': EOT, 'eos_token_id': EOT, 'pad_token_id': EOT, 'decoder_start_token_id': SOT}, open(here + '/config.json', 'w'), indent=2)
json.dump({'decoder_start_token_id': SOT, 'bos_token_id': EOT, 'eos_token_id': EOT, 'pad_token_id': EOT, 'no_timestamps_token_id': NOTS,
           'is_multilingual': False, 'max_length': 64, 'begin_suppress_tokens': [], 'suppress_tokens': []}, open(here + '/generation_config.json', 'w'), indent=2)
json.dump({'feature_extractor_type': 'WhisperFeatureExtractor', 'processor_class': 'WhisperProcessor', 'feature_size': MELS, 'sampling_rate': 16000,
           'hop_length': 160, 'n_fft': 400, 'chunk_length': 30, 'n_samples': 480000, 'nb_max_frames': 3000, 'padding_side': 'right',
           'padding_value': 0.0, 'return_attention_mask': False}, open(here + '/preprocessor_config.json', 'w'), indent=2)
tok = {
  'version': '1.0', 'truncation': None, 'padding': None,
  'added_tokens': [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': t.startswith('<|') and i < TSB}
                   for i, t in enumerate(vocab) if t != 'speech'],
  'normalizer': None,
  'pre_tokenizer': {'type': 'WhitespaceSplit'},
  'post_processor': None,
  'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
  'model': {'type': 'WordPiece', 'unk_token': '<|endoftext|>', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
}
json.dump(tok, open(here + '/tokenizer.json', 'w'))
json.dump({'tokenizer_class': 'WhisperTokenizer', 'model_max_length': 64, 'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>',
           'unk_token': '<|endoftext|>', 'pad_token': '<|endoftext|>'}, open(here + '/tokenizer_config.json', 'w'), indent=2)
print('wrote', os.path.normpath(here))
