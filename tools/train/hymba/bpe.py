"""Llama-style BPE tokenizer for the embedded models, trained with the `tokenizers` library.

Layout of the real Hymba tokenizer (spec §8): <unk>=0, <s>=1, </s>=2, the 256 byte-fallback pieces <0x00>..<0xFF>
at 3..258, then the learned pieces; normalizer Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer, BOS added by
the post-processor, an added [PAD] after the vocabulary. Normalizer, post-processor, decoder and the special-token
entries are taken from the real tokenizer.json; only the BPE vocabulary and merges are new.
"""
import json
import os

SPECIALS = ['<unk>', '<s>', '</s>']
PAD = '[PAD]'
BYTE_PIECES = [f'<0x{i:02X}>' for i in range(256)]
UNK_ID, BOS_ID, EOS_ID = 0, 1, 2


def train_tokenizer_json(texts, vocab_size, reference_tokenizer_json):
    """Trains BPE on texts and returns the tokenizer.json dict (vocab_size pieces + [PAD] at id vocab_size)."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token='<unk>', byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend('▁'), normalizers.Replace(' ', '▁')])
    # Training only: split before every ▁ (no piece spans two words, as in SentencePiece) and around every newline
    # (no piece crosses a line, so a chat prompt ending in "Assistant\n" tokenizes as it does inside a conversation).
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split('▁', behavior='merged_with_next'),
        pre_tokenizers.Split('\n', behavior='isolated'),
    ])
    trainer = trainers.BpeTrainer(vocab_size=vocab_size - len(BYTE_PIECES), special_tokens=SPECIALS, min_frequency=2, show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    trained = json.loads(tok.to_str())['model']
    learned = [piece for piece, _ in sorted(trained['vocab'].items(), key=lambda item: item[1]) if piece not in SPECIALS]
    vocab = {piece: i for i, piece in enumerate(SPECIALS + BYTE_PIECES + [p for p in learned if p not in BYTE_PIECES])}
    merges = [m if isinstance(m, str) else f'{m[0]} {m[1]}' for m in trained['merges']]

    ref = reference_tokenizer_json
    pad_id = len(vocab)
    added = [dict(t) for t in ref['added_tokens'] if t['content'] in SPECIALS]
    pad = next(dict(t) for t in ref['added_tokens'] if t['content'] == PAD)
    pad['id'] = pad_id
    return {
        'version': ref['version'], 'truncation': None, 'padding': None, 'added_tokens': added + [pad],
        'normalizer': ref['normalizer'], 'pre_tokenizer': None, 'post_processor': ref['post_processor'], 'decoder': ref['decoder'],
        'model': {**ref['model'], 'vocab': vocab, 'merges': merges},
    }


def tokenizer_files(tokenizer_json, reference_dir):
    """All tokenizer files of the HF folder (name -> JSON-able dict), adapted from the real 1.5B files."""
    pad_id = next(t['id'] for t in tokenizer_json['added_tokens'] if t['content'] == PAD)
    with open(os.path.join(reference_dir, 'tokenizer_config.json')) as f:
        config = json.load(f)
    decoder = {(str(pad_id) if entry['content'] == PAD else key): entry for key, entry in config['added_tokens_decoder'].items()}
    config['added_tokens_decoder'] = decoder
    with open(os.path.join(reference_dir, 'special_tokens_map.json')) as f:
        special = json.load(f)
    return {
        'tokenizer.json': tokenizer_json,
        'tokenizer_config.json': config,
        'special_tokens_map.json': special,
        'added_tokens.json': {PAD: pad_id},
    }


class TextCodec:
    """What training needs from a tokenizer: batch encoding with character offsets, and decoding."""

    def __init__(self, tokenizer_json):
        from tokenizers import Tokenizer
        self.tok = Tokenizer.from_str(json.dumps(tokenizer_json))
        self.vocab_size = len(tokenizer_json['model']['vocab']) + 1

    def encode_batch(self, texts):
        """-> list of (ids, offsets) without BOS/EOS."""
        return [(e.ids, e.offsets) for e in self.tok.encode_batch(texts, add_special_tokens=False)]

    def decode(self, ids):
        return self.tok.decode(ids, skip_special_tokens=True)
