"""Deterministic synthetic corpus of news-like articles and their variants (nothing is downloaded).

    python benchmarks/corpus.py --docs 10000 --out /tmp/corpus          # /tmp/corpus/<id>.txt + pairs.tsv
    python benchmarks/corpus.py --docs 1000000 --jsonl /tmp/corpus.jsonl  # + /tmp/corpus.pairs.tsv

Each article has a headline and 8-15 paragraphs, about 600 words in all, drawn from a
Zipf-weighted vocabulary (English function and news words, then a few thousand invented
words), with recurring named entities and stock phrases so that word 5-grams look like
news prose: mostly unique, a few shared across articles. Articles belong to sites; half
of them carry their site's menu and footer, shared by many documents.

A share of articles (``--variant-share``, 0.3) get 1 to 3 variants, each with 1 to 3 edits:
an added photo caption with its credit line, a pull-quote, a paywall prompt, dropped
paragraphs, word edits, truncation, another site's menu and footer. Every pair of
documents of one article is a true pair, written to a TSV with the edits of each side.

The output depends only on ``--seed`` and ``--docs``; ids are 16 hex digits that say
nothing about families, and JSONL records are shuffled in blocks of 4,096. Documents are
built as arrays of piece ids (words, punctuation, boilerplate) and rendered to bytes with
numpy in batches, so a million documents take minutes, not hours.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

# Frequent English words, roughly by frequency (Zipf ranks 1..); from general news prose.
FUNCTION_WORDS = tuple(
    """the of and to a in that is was he for it with as his on be at by i this had not are but from or
    have an they which one you were her all she there would their we him been has when who will more no
    if out so said what up its about into than them can only other new some could time these two may then
    do first any my now such like our over man me even most made after also did many before must through
    back years where much your way well down should because each just those people how too little state
    good very make world still own see men work long get here between both life being under never day
    same another know while last might us great old year off come since against go came right used take
    three""".split()
)
# Words typical of news reports; they follow the function words in frequency.
NEWS_WORDS = tuple(
    """government minister president officials police percent country police report week monday tuesday
    wednesday thursday friday saturday sunday city national security military forces election party
    political leader leaders public company market economy million billion support plan policy court
    law members council told statement according spokesman agency international foreign united states
    region border talks deal officials trade prices growth health hospital workers union strike protest
    protesters capital attack killed injured military troops war peace agreement sanctions nuclear weapons
    program missile test regime opposition vote voters campaign candidate poll parliament senate congress
    committee investigation charges prosecutors judge trial sentence prison officials announced expected
    reported confirmed warned called added according despite following recent former current major
    including several during however although whether announced decision response crisis energy oil gas
    climate emissions water food farmers schools students teachers children families residents community
    local federal budget tax taxes spending debt bank banks interest rates inflation jobs unemployment
    industry business businesses investors shares stocks technology internet data users online social media
    network service services system systems project projects research scientists study evidence analysis
    experts risk risks threat threats safety emergency disaster storm flood fire earthquake rescue victims
    residents village villages province provinces district districts army navy air soldiers officers
    commander general chief director executive chairman board spokeswoman ministry department office
    administration white house embassy diplomats diplomatic relations meeting summit visit trip tour
    season team players coach match game games league cup final win won lost victory defeat record""".split()
)
# Phrases that recur across many reports and so share 5-grams between unrelated articles.
STOCK_PHRASES = (
    "said in a statement on",
    "according to a person familiar with the matter",
    "did not immediately respond to a request for comment",
    "speaking on condition of anonymity because",
    "it was not immediately clear whether",
    "at a news conference on",
    "in an interview with",
    "for the first time since",
    "in the wake of the",
    "at the end of the day",
    "told reporters on",
    "on the other hand",
    "in the coming weeks",
    "a senior administration official said",
    "as part of an effort to",
    "the death toll rose to",
    "declined to comment on the",
    "in a statement released late on",
)
# Caption credit lines, paywall prompts and menu sections, as they appear on news sites.
AGENCIES = ("REUTERS", "AP", "AFP", "EPA", "Getty Images", "Bloomberg", "Xinhua", "Kyodo")
PAYWALLS = (
    "Subscribe to continue reading. Already a subscriber? Log in.",
    "This article is for subscribers only. Start your free trial today and get unlimited access.",
    "You have reached your limit of free articles this month. Subscribe now for just $1 a week.",
    "Support independent journalism: become a member today.",
    "To keep reading, sign in or create a free account.",
)
SECTIONS = (
    "Home", "World", "Politics", "Business", "Markets", "Tech", "Science", "Health", "Sports", "Culture",
    "Opinion", "Video", "Podcasts", "Weather", "Travel", "Style", "Local", "Investigations", "Newsletters",
)
FIRST_NAMES = (
    "John", "Maria", "Ahmed", "Li", "Olga", "Kim", "José", "Anna", "David", "Fatima", "Hiroshi", "Sarah",
    "Mohammed", "Elena", "James", "Priya", "Chen", "Lucas", "Amara", "Pierre", "Ingrid", "Tomás", "Yuki",
    "Daniel", "Aisha", "Robert", "Sofia", "Ivan", "Grace", "Kwame", "Zoë", "Marek", "Leila", "Björn",
)
# The curly quotes and dashes that real articles use; tokenisation must ignore them.
LQ, RQ, DASH = "\u201c", "\u201d", "\u2014"

SEP_SPACE, SEP_COMMA, SEP_STOP, SEP_PARA, SEP_END, SEP_BREAK, SEP_DOT, SEP_DASH, SEP_NONE = range(9)
SEPARATORS = (" ", ", ", ". ", ".\n\n", ".\n", "\n\n", ".", f" {DASH} ", "")


@dataclass(frozen=True)
class Vocabulary:
    """All pieces a document is made of, as one byte buffer with offsets."""

    buffer: np.ndarray  # uint8: every piece's UTF-8 bytes, back to back
    starts: np.ndarray  # int64 offset of each piece in buffer
    lengths: np.ndarray  # int64 byte length of each piece
    n_words: int  # pieces [0, n_words) are lower-case words, [n_words, 2 n_words) the same capitalised
    zipf_table: np.ndarray  # 2^20 word ids, each as often as its Zipf weight says: a uniform draw is a Zipf draw
    entities: tuple[int, int]  # piece id range of named entities
    phrases: tuple[int, int]
    separators: int  # piece id of SEPARATORS[0]
    quotes: tuple[int, int]  # opening and closing curly quote pieces
    credits: tuple[int, int]  # "Photo: Name/AGENCY" pieces
    paywalls: tuple[int, int]
    read_more: int
    sites: int  # number of sites
    site_pieces: int  # first piece of site boilerplate: menu, footer, newsletter for each site

    def render(self, ids: np.ndarray) -> np.ndarray:
        """Concatenate the bytes of pieces ``ids`` (uint8 array)."""
        lengths = self.lengths[ids]
        total = int(lengths.sum())
        out_start = np.cumsum(lengths) - lengths
        idx = np.arange(total, dtype=np.int32 if total < 2**31 else np.int64)
        idx += np.repeat((self.starts[ids] - out_start).astype(idx.dtype), lengths)
        return self.buffer[idx]


def _invented_words(rng: np.random.Generator, n: int) -> list[str]:
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr gr pr st tr ch sh th pl bl fl sl".split()
    vowels = "a e i o u ai ea ou io ei".split()
    codas = [""] * 6 + "n r s l t m nd st rt ck ng".split()
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        k = int(rng.integers(1, 4))
        word = "".join(
            onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))] + codas[rng.integers(len(codas))]
            for _ in range(k)
        )
        if len(word) > 2 and word not in seen:
            seen.add(word)
            out.append(word)
    return out


def build_vocabulary(seed: int, *, n_words: int = 5000, n_entities: int = 3000, n_sites: int = 200) -> Vocabulary:
    rng = np.random.default_rng([seed, 0])
    real = list(dict.fromkeys(FUNCTION_WORDS + NEWS_WORDS))
    words = real + _invented_words(rng, n_words - len(real))
    weights = 1.0 / np.arange(1, len(words) + 1) ** 1.05
    slots = np.diff(np.rint(np.cumsum(weights) / weights.sum() * (1 << 20)).astype(np.int64), prepend=0)
    zipf_table = np.repeat(np.arange(len(words), dtype=np.int64), slots)
    invented = _invented_words(rng, 2 * n_entities)
    pieces: list[str] = list(words) + [w[:1].upper() + w[1:] for w in words]
    ent0 = len(pieces)
    for i in range(n_entities):
        kind = i % 4
        name = invented[i][:1].upper() + invented[i][1:]
        other = invented[n_entities + i][:1].upper() + invented[n_entities + i][1:]
        if kind == 0:
            pieces.append(f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {name}")
        elif kind == 1:
            pieces.append(name)  # a place
        elif kind == 2:
            pieces.append(f"{name} {other}")  # a two-word person or place
        else:
            pieces.append(f"{name} {('Party', 'Ministry', 'Group', 'Institute', 'Council')[i % 5]}")
    phr0 = len(pieces)
    pieces += STOCK_PHRASES
    sep0 = len(pieces)
    pieces += SEPARATORS
    q0 = len(pieces)
    pieces += [LQ, RQ]
    cr0 = len(pieces)
    for i in range(200):
        who = pieces[ent0 + 4 * i]  # person entities
        pieces.append(("Photo: " if i % 3 == 0 else "") + f"{who}/{AGENCIES[i % len(AGENCIES)]}")
    pw0 = len(pieces)
    pieces += PAYWALLS
    rm = len(pieces)
    pieces.append("Read more")
    site0 = len(pieces)
    for s in range(n_sites):
        site = invented[s][:1].upper() + invented[s][1:] + (" Times", " Post", " Herald", " News", " Daily")[s % 5]
        order = rng.permutation(len(SECTIONS))[: int(rng.integers(6, 12))]
        pieces.append(f"{site}\n\n" + "\n".join(SECTIONS[j] for j in order) + "\n\n")
        pieces.append(
            f"\n\n\u00a9 {2015 + s % 10} {site}. All rights reserved.\n\n"
            "Privacy Policy | Terms of Use | Cookie Settings | Contact Us | Advertise\n"
        )
        pieces.append(f"Sign up for the {site} newsletter: the day's top stories in your inbox every morning.\n\n")
    encoded = [p.encode("utf-8") for p in pieces]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    return Vocabulary(
        buffer=np.frombuffer(b"".join(encoded), dtype=np.uint8),
        starts=np.cumsum(lengths) - lengths,
        lengths=lengths,
        n_words=len(words),
        zipf_table=zipf_table,
        entities=(ent0, phr0),
        phrases=(phr0, sep0),
        separators=sep0,
        quotes=(q0, q0 + 1),
        credits=(cr0, pw0),
        paywalls=(pw0, rm),
        read_more=rm,
        sites=n_sites,
        site_pieces=site0,
    )


@dataclass
class Paragraph:
    tok: np.ndarray  # piece ids of words / entities / phrases
    sep: np.ndarray  # separator index (into SEPARATORS) after each of them


@dataclass
class Article:
    headline: Paragraph
    body: list[Paragraph]
    site: int
    boiler: bool  # carries its site's menu and footer


class Generator:
    """Articles and variants from one seeded random stream; see the module docstring."""

    def __init__(self, seed: int = 1, *, variant_share: float = 0.3) -> None:
        self.seed = seed
        self.variant_share = variant_share
        self.vocab = build_vocabulary(seed)
        self.rng = np.random.default_rng([seed, 1])

    # ----------------------------------------------------------------- articles
    def _words(self, n: int) -> np.ndarray:
        return self.vocab.zipf_table[self.rng.integers(0, len(self.vocab.zipf_table), size=n)]

    def _sentences(self, n: int, topic: np.ndarray) -> Paragraph:
        """``n`` words of prose: sentences of 8-30 words ending with ". ", the last with ".\\n\\n"."""
        v, rng = self.vocab, self.rng
        tok = self._words(n)
        r = rng.random(n)
        ent = np.flatnonzero(r < 0.05)
        k = len(ent)
        tok[ent] = np.where(r[ent] < 0.035, topic[rng.integers(len(topic), size=k)], rng.integers(*v.entities, size=k))
        phrase = np.flatnonzero((r >= 0.05) & (r < 0.065))
        tok[phrase] = rng.integers(*v.phrases, size=len(phrase))
        r = rng.random(n)
        sep = np.where(r < 0.07, SEP_COMMA, np.where(r > 0.992, SEP_DASH, SEP_SPACE))
        ends = np.cumsum(rng.integers(8, 31, size=n // 8 + 2))
        ends = ends[ends < n - 1] - 1
        sep[ends] = SEP_STOP
        first = np.concatenate([[0], ends + 1])
        starts_phrase = first[(tok[first] >= v.phrases[0]) & (tok[first] < v.phrases[1])]
        tok[starts_phrase] = self._words(len(starts_phrase))
        plain = first[tok[first] < v.n_words]
        tok[plain] += v.n_words  # capitalise sentence starts
        sep[-1] = SEP_PARA
        return Paragraph(tok, sep)

    def article(self) -> Article:
        v, rng = self.vocab, self.rng
        topic = rng.integers(*v.entities, size=int(rng.integers(3, 7)))
        n_par = int(rng.integers(8, 16))
        total = int(rng.integers(480, 700))
        prose = self._sentences(total, topic)
        # Paragraphs end at the sentence ends nearest to uneven target lengths.
        ends = np.flatnonzero(prose.sep == SEP_STOP)
        weights = np.cumsum(rng.uniform(0.4, 1.6, size=n_par))
        targets = (total * weights[:-1] / weights[-1]).astype(np.int64)
        cut = np.unique(ends[np.minimum(np.searchsorted(ends, targets), len(ends) - 1)])
        prose.sep[cut] = SEP_PARA
        prose.sep[-1] = SEP_END
        bounds = [0, *(cut + 1).tolist(), total]
        tok, sep = prose.tok, prose.sep
        body = [Paragraph(tok[a:b], sep[a:b]) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
        h = int(rng.integers(6, 13))
        htok = self._words(h)
        htok[htok < v.n_words] += v.n_words
        htok[0] = topic[0]
        hsep = np.full(h, SEP_SPACE)
        hsep[-1] = SEP_BREAK
        return Article(Paragraph(htok, hsep), body, int(rng.integers(v.sites)), bool(rng.random() < 0.5))

    # ----------------------------------------------------------------- variants
    EDITS = ("caption", "pull_quote", "paywall", "drop", "edit", "truncate", "boilerplate")

    def variant(self, art: Article) -> tuple[Article, list[str]]:
        v, rng = self.vocab, self.rng
        body = list(art.body)
        site, boiler = art.site, art.boiler
        chosen = rng.choice(len(self.EDITS), size=int(rng.integers(1, 4)), replace=False)
        names = sorted(self.EDITS[i] for i in chosen)
        for name in names:
            if name == "caption":
                # A caption line and its credit line, as a paragraph of its own near the top.
                cap = self._sentences(int(rng.integers(10, 22)), body[0].tok[:1])
                tok = np.concatenate([cap.tok, [int(rng.integers(*v.credits))]])
                sep = np.concatenate([cap.sep, [SEP_BREAK]])
                sep[-2] = SEP_END
                pos = int(rng.integers(0, min(3, len(body)) + 1))
                body.insert(pos, Paragraph(tok, sep))
            elif name == "pull_quote":
                # One sentence of the article repeated in curly quotes further down.
                src = body[int(rng.integers(len(body)))]
                stops = np.flatnonzero(src.sep != SEP_SPACE)
                stops = stops[src.sep[stops] != SEP_COMMA]
                a = 0 if len(stops) < 2 else int(stops[rng.integers(len(stops) - 1)]) + 1
                b = int(stops[np.searchsorted(stops, a)]) + 1 if len(stops) else len(src.tok)
                tok = np.concatenate([[v.quotes[0]], src.tok[a:b], [v.quotes[1]]])
                sep = np.concatenate([[SEP_NONE], src.sep[a:b], [SEP_BREAK]])
                sep[-2] = SEP_DOT
                body.insert(int(rng.integers(1, len(body) + 1)), Paragraph(tok, sep))
            elif name == "paywall":
                pos = int(rng.integers(2, max(3, len(body) // 2)))
                body.insert(pos, Paragraph(np.array([int(rng.integers(*v.paywalls))]), np.array([SEP_BREAK])))
            elif name == "drop":
                for _ in range(int(rng.integers(1, 3))):
                    if len(body) > 4:
                        del body[int(rng.integers(1, len(body) - 1))]
            elif name == "edit":
                body = [self._edit(p) for p in body]
            elif name == "truncate":
                keep = max(2, int(len(body) * rng.uniform(0.4, 0.8)))
                body = body[:keep] + [Paragraph(np.array([v.read_more]), np.array([SEP_END]))]
            elif name == "boilerplate":
                site, boiler = int(rng.integers(v.sites)), True
        return Article(art.headline, body, site, boiler), names

    def _edit(self, p: Paragraph) -> Paragraph:
        n = len(p.tok)
        hit = self.rng.random(n) < 0.02
        hit &= p.tok < self.vocab.n_words  # plain words only
        if not hit.any():
            return p
        tok = p.tok.copy()
        tok[hit] = self._words(int(hit.sum()))
        return Paragraph(tok, p.sep)

    # ----------------------------------------------------------------- rendering
    def pieces(self, art: Article) -> np.ndarray:
        v = self.vocab
        paras = [art.headline, *art.body]
        tok = np.concatenate([p.tok for p in paras])
        sep = np.concatenate([p.sep for p in paras])
        ids = np.empty(2 * len(tok) + 2 * art.boiler, dtype=np.int32)
        body = ids[1:-1] if art.boiler else ids
        body[0::2] = tok
        body[1::2] = sep
        body[1::2] += v.separators
        if art.boiler:
            ids[0] = v.site_pieces + 3 * art.site
            ids[-1] = v.site_pieces + 3 * art.site + 1
        return ids

    def families(self) -> Iterator[list[tuple[Article, str]]]:
        """Endless stream of article families: [(article, edits)], the original first."""
        while True:
            art = self.article()
            fam = [(art, "original")]
            if self.rng.random() < self.variant_share:
                for _ in range(int(self.rng.integers(1, 4))):
                    var, names = self.variant(art)
                    fam.append((var, "+".join(names)))
            yield fam


def doc_id(seed: int, index: int) -> str:
    return hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Doc:
    id: str
    family: int
    kind: str
    data: bytes  # UTF-8 text


def generate(n: int, *, seed: int = 1, variant_share: float = 0.3, batch: int = 2048) -> Iterator[list[Doc]]:
    """Yield the first ``n`` documents in batches (lists of :class:`Doc`), in generation order."""
    gen = Generator(seed, variant_share=variant_share)
    made = 0
    fam_iter = gen.families()
    fam_no = 0
    while made < n:
        meta: list[tuple[str, int, str]] = []
        ids: list[np.ndarray] = []
        while len(meta) < batch and made + len(meta) < n:
            for art, kind in next(fam_iter):
                if made + len(meta) >= n:
                    break
                meta.append((doc_id(seed, made + len(meta)), fam_no, kind))
                ids.append(gen.pieces(art))
            fam_no += 1
        lengths = np.array([len(x) for x in ids], dtype=np.int64)
        raw = gen.vocab.render(np.concatenate(ids))
        byte_len = np.add.reduceat(gen.vocab.lengths[np.concatenate(ids)], np.cumsum(lengths) - lengths)
        bounds = np.concatenate([[0], np.cumsum(byte_len)])
        blob = raw.tobytes()
        yield [Doc(i, f, k, blob[bounds[j] : bounds[j + 1]]) for j, (i, f, k) in enumerate(meta)]
        made += len(meta)


def texts(n: int, *, seed: int = 1, variant_share: float = 0.3) -> list[str]:
    """The first ``n`` documents' texts, for benchmarks and tests."""
    return [d.data.decode("utf-8") for batch in generate(n, seed=seed, variant_share=variant_share) for d in batch]


def _pairs(family: list[Doc]) -> Iterator[tuple[str, str, str, str]]:
    for i in range(len(family)):
        for j in range(i + 1, len(family)):
            a, b = family[i], family[j]
            if a.id > b.id:
                a, b = b, a
            yield a.id, b.id, a.kind, b.kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, required=True, help="number of documents (variants included)")
    parser.add_argument("--out", help="folder to write <id>.txt files into (and pairs.tsv)")
    parser.add_argument("--jsonl", help="JSONL file to write {id, text} records into (and FILE.pairs.tsv)")
    parser.add_argument("--pairs", help="where to write the true pairs (default: beside the output)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variant-share", type=float, default=0.3, help="share of articles with variants")
    args = parser.parse_args(argv)
    if not args.out and not args.jsonl:
        parser.error("give --out DIR and/or --jsonl FILE")
    if args.docs < 1:
        parser.error("--docs must be >= 1")
    pairs_path = args.pairs or (
        os.path.join(args.out, "pairs.tsv") if args.out else os.path.splitext(args.jsonl)[0] + ".pairs.tsv"
    )
    if args.out:
        os.makedirs(args.out, exist_ok=True)
    jsonl = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else None
    shuffle = np.random.default_rng([args.seed, 2])
    t0 = time.perf_counter()
    n_pairs = n_written = 0
    open_family: list[Doc] = []
    with open(pairs_path, "w", encoding="utf-8") as pairs:
        pairs.write("doc_a\tdoc_b\tfamily\tkind_a\tkind_b\n")
        block: list[Doc] = []
        for batch in generate(args.docs, seed=args.seed, variant_share=args.variant_share):
            for doc in batch:
                if open_family and doc.family != open_family[0].family:
                    for p in _pairs(open_family):
                        pairs.write(f"{p[0]}\t{p[1]}\t{open_family[0].family}\t{p[2]}\t{p[3]}\n")
                        n_pairs += 1
                    open_family = []
                open_family.append(doc)
                if args.out:
                    with open(os.path.join(args.out, doc.id + ".txt"), "wb") as fh:
                        fh.write(doc.data)
            if jsonl is not None:
                block += batch
                if len(block) >= 4096:
                    _write_jsonl(jsonl, block, shuffle)
                    block = []
            n_written += len(batch)
        for p in _pairs(open_family):
            pairs.write(f"{p[0]}\t{p[1]}\t{open_family[0].family}\t{p[2]}\t{p[3]}\n")
            n_pairs += 1
        if jsonl is not None:
            _write_jsonl(jsonl, block, shuffle)
            jsonl.close()
    dt = time.perf_counter() - t0
    print(f"wrote {n_written} documents and {n_pairs} true pairs in {dt:.1f} s ({n_written / dt:,.0f} docs/s); "
          f"pairs: {pairs_path}", file=sys.stderr)
    return 0


def _write_jsonl(fh, block: list[Doc], rng: np.random.Generator) -> None:
    for k in rng.permutation(len(block)):
        doc = block[k]
        fh.write(json.dumps({"id": doc.id, "text": doc.data.decode("utf-8")}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
