"""Phrase tables for :mod:`dedup.classify`: what page furniture says, in the languages of the dev set.

Each table is a tuple of regular expressions (case-insensitive, matched against a
paragraph with its whitespace collapsed). The entries are the wording of prompts,
menus and credits that news and blog pages use in general, written down per role
and then measured on ``../shared/data/dev/``: ``python benchmarks/align_quality.py
--phrases`` prints how often each entry fires, within its table's word limit, on
paragraphs outside the clean version and on the human-written clean versions. An
entry stays only if it fires more often outside than inside; the one exception is
"originally published/appeared" (0 outside, 1 inside, a syndication note in both
places), which is the issue's own definition of ``syndication``. Nothing here names
a site, a person or a story; agency names appear only as photo or wire credits.

:func:`compile_table` gives a :class:`PhraseTable`: the alternation of the entries,
matched as ``re`` would match it, but each entry is run only on texts that pass a
pre-check derived from its own pattern (a word or string every match must contain);
:class:`PhraseRules` pre-checks several tables at once. ``tests/test_phrases.py``
checks, on texts built from every entry's regex, that this finds what the plain
alternation finds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

__all__ = [
    "AD_PHRASES",
    "BIO_PHRASES",
    "BYLINE_PHRASES",
    "CAPTION_PHRASES",
    "COMMENT_PHRASES",
    "CREDIT_PHRASES",
    "DATE_PHRASES",
    "NAVIGATION_PHRASES",
    "NAVIGATION_WORDS",
    "PAYWALL_PHRASES",
    "RELATED_PHRASES",
    "SYNDICATION_PHRASES",
    "PhraseRules",
    "PhraseTable",
    "compile_table",
    "text_words",
]

# Subscription, sign-in, metering and newsletter prompts (en, de, es, fr, pt, it, nl wording of paywalls
# and newsletter boxes; measured on the dev set's paywall/newsletter markup and trafeval boilerplate).
PAYWALL_PHRASES = (
    r"\bsubscri(?:be|bed|ber|bers|bing|ption|ptions)\b",
    r"\bsign(?:ing)? (?:in|up)\b",
    r"\blog ?in\b",
    r"\blog ?out\b",
    r"\bregister (?:now|for free|here|today)\b",
    r"\bcreate (?:an?|your)(?: free)? account\b",
    r"\bmy account\b",
    r"\bfree articles?\b",
    r"\barticles? (?:left|remaining)\b",
    r"\bunlimited (?:digital )?access\b",
    r"\b(?:digital|full|premium|website) access\b",
    r"\bnewsletters?\b",
    r"\b(?:your|the) inbox\b",
    r"\b(?:enter )?your e-?mail(?: address)?\b",
    r"\bfree trial\b",
    r"\bcancel any ?time\b",
    r"\bbecome a (?:member|subscriber|supporter)\b",
    r"\bjoin (?:now|today|us)\b",
    r"\b(?:support|supporting) (?:our|independent) (?:work|journalism)\b",
    r"\bpremium (?:content|article|members?)\b",
    r"\bgive a gift\b",
    r"\b(?:print|digital) (?:&|and) (?:digital|print)\b",
    r"\babonn(?:ieren|iert|ent|enten|ement|ez-vous|és?)\b",
    r"\b(?:probe|digital|jahres)?abos?\b",
    r"\bjetzt (?:lesen|testen|abonnieren|registrieren|anmelden|weiterlesen)\b",
    r"^(?:anmelden|einloggen|registrieren|abmelden)$",
    r"\bplus-(?:artikel|inhalt)\b",
    r"\bsuscr(?:í|i)b(?:e|ete|ase|irse)\b",
    r"\bsuscripci(?:ó|o)n\b",
    r"\bsuscriptor(?:es)?\b",
    r"\binici(?:a|ar) sesi(?:ó|o)n\b",
    r"\breg(?:í|i)strate\b",
    r"\bhazte (?:socio|miembro|suscriptor)\b",
    r"\bbolet(?:í|i)n(?:es)?\b",
    r"\b(?:se connecter|connectez-vous|inscrivez-vous|s'inscrire)\b",
    r"\blettre d'information\b",
    r"\bassin(?:e|ar|ante|antes|atura)\b",
    r"\b(?:cadastre-se|fa(?:ç|c)a login)\b",
    r"\babbona(?:ti|mento)\b",
    r"\b(?:accedi|registrati|iscriviti)\b",
    r"\b(?:abonneer|inloggen|word lid)\b",
)

# Bylines and author boxes: "By ...", "More by ...", author archive links (en, de, es, fr, pt, it, nl).
# Case matters here (a name is capitalised): compile with ``ignore_case=False``; keywords carry (?i:...).
BYLINE_PHRASES = (
    r"^(?:By|BY|by|Von|VON|Por|POR|Par|PAR|Door|Di|Av|Af)\s+(?!(?i:the|a|an)\b)[A-ZÀ-Ý][\w.'’\-]+(?:\s+(?:[A-ZÀ-Ý][\w.'’\-]+|(?i:de|da|van|von|der|del|la|le)))"
    r"{0,4}\s*(?:$|[,|/·•\-–—(]|(?i:and|und|y|et|e|on|am|el|le)\b|\d)",
    r"^(?i:by|von|por|par)\s*:",
    r"^(?i:by|von|por|par|door|di)$",
    r"^[A-ZÀ-Ý][\w.'’\-]+(?:\s+[A-ZÀ-Ý][\w.'’\-]+){1,3},?\s+(?:[\w.]+\s+){0,3}(?i:writer|reporter|editor|correspondent|contributor|columnist)$",
    r"^[A-ZÀ-Ý][\w.'’\-]+(?:\s+[A-ZÀ-Ý][\w.'’\-]+){1,3}(?:\s+(?:and|und|y|et)\s+[A-ZÀ-Ý][\w.'’\-]+(?:\s+[A-ZÀ-Ý][\w.'’\-]+){1,3})?,?\s+(?i:associated press|the associated press|reuters|afp|bloomberg|agence france-presse)$",
    r"^(?i:(?:senior |staff |freelance |guest )?(?:reporter|writer|editor|correspondent|columnist|contributor|redakteurin?|autorin?|redaktion|editorial staff))$",
    r"(?i:\bmore (?:stories |articles |posts )?(?:by|from) )(?:(?i:this author)|[A-ZÀ-Ý])",
    r"(?i:\b(?:written|posted|published|reported|edited) by\b)",
    r"^(?i:(?:authors?|autor(?:in|en)?|auteur|autore|redakteur(?:in)?|reporter)\s*:)",
    r"(?i:\b(?:about the author|über (?:den|die) autor(?:in)?|sobre el autor|sobre o autor|[àa] propos de l'auteur)\b)",
    r"(?i:\b(?:view|see) (?:all )?(?:posts|articles|stories) by\b)",
    r"(?i:\bauthor (?:archive|rss|profile|page)\b)",
    r"(?i:\b(?:e-?mail|contact) the (?:author|reporter|writer)\b)",
    r"(?i:\b(?:staff|senior|contributing|guest) (?:writer|reporter|editor|correspondent)\b)",
    r"(?i:\bfollow (?:him|her|them) on\b)",
    r"(?i:\b(?:reporter|writer|editor|correspondent|columnist|journalist)\b).{0,40}@\w{2,}",
    r"(?i:\b(?:twitter|instagram|x)\s*:\s*@\w+)",
)

# Author bios: "<Name> is a reporter/professor/..." (the usual shape of an author note, any site).
# Case-sensitive like BYLINE_PHRASES.
BIO_PHRASES = (
    r"^(?!(?:That|This|It|He|She|They|There|Here|The|What|Which|Who|Today|Now|Das|Dies|Es|Er|Sie|Esto|Eso|Ce|Il|Elle)\s)"
    r"(?:[A-ZÀ-Ý][\w.'’\-]+\s+){1,4}(?i:is|was|ist|es|est|é)\s+(?:(?i:an?|the|ein|eine|un|una|une|um|uma)\s+)?(?:[\w\-]+,?\s+){0,6}"
    r"(?i:professor|writer|reporter|journalist|editor|correspondent|author|fellow|director|columnist|contributor|"
    r"researcher|analyst|lecturer|founder|host|producer|scholar|economist|historian|novelist|"
    r"journalistin|redakteurin|redakteur|autorin|autor|korrespondentin|korrespondent|"
    r"periodista|escritora?|profesora?|journaliste|écrivain|professeur|jornalista|educator|speaker|coach|consultant|"
    r"blogger|photographer|designer|entrepreneur|expert|lawyer|attorney|physician|teacher|graduate|native|"
    r"illustrator|podcaster|strategist)\b",
    r"^(?:[A-ZÀ-Ý][\w.'’\-]+\s+){1,3}(?:joined|covers|writes (?:about|for)|reports (?:on|for)|has (?:been )?(?:written|reported|covered))\s",
    r"(?i:\b(?:he|she|they) (?:has|have) been (?:reporting|writing|covering)\b)",
)

# Dates and times standing alone, "updated ..." stamps, reading times (datelines in en, de, es, fr, pt, it).
DATE_PHRASES = (
    r"\b(?:jan(?:uary|uar)?|feb(?:ruary|ruar)?|m(?:a|ä)r(?:ch|z)?|apr(?:il)?|may|mai|jun[ei]?|jul[iy]?|aug(?:ust)?|sep(?:t|tember)?|"
    r"o[ck]t(?:ober)?|nov(?:ember)?|de[cz](?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
    r"noviembre|diciembre|janvier|f(?:é|e)vrier|mars|avril|juin|juillet|ao(?:û|u)t|septembre|octobre|novembre|d(?:é|e)cembre|"
    r"janeiro|fevereiro|mar(?:ç|c)o|maio|junho|julho|setembro|outubro|novembro|dezembro|gennaio|febbraio|aprile|maggio|"
    r"giugno|luglio|settembre|ottobre|dicembre)\.?\s+\d{1,2}\b",
    r"\b\d{1,2}\.?\s+(?:de\s+)?(?:jan|feb|m(?:a|ä)r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz]|enero|febrero|marzo|abril|mayo|"
    r"junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|f(?:é|e)vrier|mars|avril|juin|juillet|ao(?:û|u)t|"
    r"septembre|octobre|novembre|d(?:é|e)cembre|janeiro|fevereiro|mar(?:ç|c)o|maio|junho|julho|setembro|outubro|novembro|"
    r"dezembro)[a-zäéû]*\.?,?\s+(?:de\s+)?\d{4}\b",
    r"\b\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
    r"\b\d{1,2}:\d{2}(?:\s*(?:am|pm|a\.m\.|p\.m\.|uhr|h))?\b",
    r"\b(?:updated|published|posted|last modified|aktualisiert|ver(?:ö|o)ffentlicht|actualizado|publicado|mis (?:à|a) jour|"
    r"publi(?:é|e)|pubblicato|aggiornato)\b",
    r"\b\d+\s*(?:min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|weeks?|months?)\s+ago\b",
    r"\b\d+[hm]\s+ago\b",
    r"\bvor\s+\d+\s+(?:minuten|stunden|tagen|wochen)\b",
    r"\bhace\s+\d+\s+(?:minutos?|horas?|d(?:í|i)as?)\b",
    r"\bil y a\s+\d+\b",
    r"\b\d+\s*(?:min(?:ute)?s?)\.?\s+(?:read|lesezeit|de lectura|de leitura|lecture)\b",
    r"\b(?:reading time|lesezeit|tiempo de lectura)\b",
)

# Wire, reprint and copyright credits (en, de, es, fr, pt; the agency list is the usual wire services).
SYNDICATION_PHRASES = (
    r"\boriginally (?:appeared|published|posted|ran)\b",
    r"\b(?:first|previously) (?:appeared|published)\b",
    r"\b(?:this|the) (?:article|story|post|piece|interview) (?:was|is|has been) (?:re)?published\b",
    r"\brepublished (?:with|by|from|under|here)\b",
    r"\b(?:reprinted|reproduced|republished|used|published) with (?:the )?permission\b",
    r"\bsyndicat(?:ed|ion)\b",
    r"\breuse this content\b",
    r"\ball rights reserved\b",
    r"\b(?:alle rechte vorbehalten|todos los derechos reservados|tous droits r(?:é|e)serv(?:é|e)s|todos os direitos reservados|"
    r"tutti i diritti riservati)\b",
    r"^(?:\(c\)|copyright)\b",
    r"(?:©|\bcopyright\b)\s*(?:\d{4}|the\b)",
    r"^©[^©]{0,80}?\b(?:19|20)\d\d\b",
    r"^©\s*copyright\b",
    r"\bcopyright\s*(?:©|\(c\))",
    r"\b(?:reporting|writing|editing|additional reporting) by\b",
    r"\bcontributed to this (?:report|story|article)\b",
    r"\b(?:mit material (?:von|der)|con informaci(?:ó|o)n de|avec l'afp)\b",
    r"^\(?(?:quelle|source|fuente|fonte)\s*:",
    r"^\(?(?:ap|afp|dpa|reuters|efe|apa|ansa|sda|kna|epd|sid)(?:/[a-z]+)?\)?$",
    r"\blicen[cs]ed under\b",
    r"\bcreative commons\b",
)

# Related and recommended links (en, de, es, fr, pt, it, nl headers of "read more" boxes).
RELATED_PHRASES = (
    r"^related(?:\s+(?:articles?|stories|posts?|content|news|coverage|topics|links|reading|videos?))?\s*:?$",
    r"^(?:read|see|watch) (?:more|also|next)\b",
    r"^(?:more|also) (?:on|from|about|in)\b",
    r"^see also\b",
    r"^(?:also read|read more|related|more|mehr|auch interessant|lesen sie auch|lies auch|zum thema|passend zum thema|"
    r"mira|mire|puedes ver|lea tambi(?:é|e)n|lee tambi(?:é|e)n|ver m(?:á|a)s|le puede interesar|te puede interesar|"
    r"tambi(?:é|e)n te puede interesar|te recomendamos|leia (?:tamb(?:é|e)m|mais)|veja (?:tamb(?:é|e)m|mais)|saiba mais|"
    r"(?:à )?lire aussi|voir aussi|leggi anche)\s*[:»>|]",
    r"\byou (?:may|might|will) (?:also )?(?:like|enjoy|be interested)\b",
    r"\brecommended (?:for you|stories|articles|reading|videos)\b",
    r"^recommended$",
    r"\bmost (?:read|popular|viewed|shared|commented|recent)\b",
    r"^(?:trending|popular|latest|top|more) (?:now|stories|news|posts|articles|videos)\b",
    r"^(?:top|latest|recent) (?:stories|news|posts|headlines)$",
    r"\bfurther reading\b",
    r"^(?:next|previous) (?:article|story|post)\b",
    r"\b(?:lesen sie|lies) (?:auch|mehr|hier)\b",
    r"^mehr (?:zum thema|dazu|aus|zu)\b",
    r"\bweitere (?:artikel|beitr(?:ä|a)ge|nachrichten|themen|news|videos|meldungen)\b",
    r"\b(?:das|dies) k(?:ö|o)nnte (?:sie|dich) (?:auch )?interessieren\b",
    r"\b(?:ä|a)hnliche (?:artikel|beitr(?:ä|a)ge|themen)\b",
    r"\b(?:meistgelesen|empfohlene beitr(?:ä|a)ge|neueste beitr(?:ä|a)ge|aktuelle beitr(?:ä|a)ge|zum weiterlesen)\b",
    r"\bvorschau auf den n(?:ä|a)chsten\b",
    r"\b(?:te|le) puede interesar\b",
    r"^(?:lee|leer|ver) (?:tambi(?:é|e)n|m(?:á|a)s)\b",
    r"\b(?:m(?:á|a)s noticias|noticias relacionadas|art(?:í|i)culos relacionados|lo m(?:á|a)s le(?:í|i)do)\b",
    r"^(?:leia|veja) (?:tamb(?:é|e)m|mais)\b",
    r"\bvoc(?:ê|e) (?:tamb(?:é|e)m )?pode gostar\b",
    r"\b(?:mat(?:é|e)rias relacionadas|mais lidas)\b",
    r"^(?:(?:à )?lire aussi|sur le m(?:ê|e)me sujet)\b",
    r"\barticles? (?:similaires|connexes|li(?:é|e)s)\b",
    r"^(?:leggi anche|potrebbe interessarti|lees ook|zie ook)\b",
)

# Comment sections: headers, forms, "<name> says:" (en, de, es, fr, pt, it, nl).
COMMENT_PHRASES = (
    r"^\d*\s*(?:comments?|kommentare?|comentarios?|coment(?:á|a)rios?|commentaires?|commenti|reacties|antworten|replies|responses)"
    r"(?:\s*\(\d+\))?\s*:?$",
    r"^(?:view|show|load|read|see|hide|close) (?:all |more )?(?:\d+ )?comments?\b",
    r"\b(?:leave|post|add|write|submit) (?:a |your )?(?:comment|reply)\b",
    r"\b(?:log|sign) in to (?:comment|reply)\b",
    r"\bjoin the (?:discussion|conversation)\b",
    r"\byour email address will not be published\b",
    r"\brequired fields are marked\b",
    r"\b(?:says|sagt|dice|disse|dit|scrive|schreef)\s*:$",
    r"^reply$|^antworten$|^responder$|^r(?:é|e)pondre$|^rispondi$",
    r"\b(?:schreibe|hinterlasse|schreib) (?:einen|jetzt einen|uns einen) kommentar\b",
    r"\bkommentar(?:e|funktion|feed)?\b",
    r"\b(?:deine|ihre) e-mail-adresse wird nicht ver(?:ö|o)ffentlicht\b",
    r"\b(?:deja|dejar|escribe) (?:un|tu) comentario\b",
    r"\b(?:laisser|(?:é|e)crire) un commentaire\b",
    r"\b(?:deixe|deixar) (?:um|seu) coment(?:á|a)rio\b",
    r"\blascia un commento\b",
    r"\b(?:vos|leurs) r(?:é|e)actions\b",
    r"\bleserkommentare?\b",
    r"\bcomment by\b",
)

# Advertising labels, whole paragraph (en, de, es, fr, pt, it, nl).
AD_PHRASES = (
    r"^(?:advertisement|advertising|advert|ad|ads|anzeige|werbung|publicidad|publicidade|publicit(?:é|e)|pubblicit(?:à|a)|"
    r"advertentie|reklame|sponsored|gesponsert|patrocinado|sponsoris(?:é|e))\s*[:\-]?$",
    r"^(?:sponsored|promoted|paid) (?:content|post|partner|by|links?|stories)\b",
    r"^(?:supported|presented|powered|brought to you) by\b",
    r"\bad ?choices\b",
    r"^anzeige\b",
    r"\bcontinue reading the main story\b",
    r"\b(?:skip|close) (?:this )?ad\b",
)

# Photo and video captions: caption markers and "this picture shows" wording (en, de, es, fr, pt).
CAPTION_PHRASES = (
    r"\b(?:this|the) (?:photo|picture|image|file photo|handout photo) (?:taken|shows|released|provided|made|dated)\b",
    r"\bin this (?:file |undated |handout )?(?:photo|picture|image)\b",
    r"\b(?:pictured|is seen|are seen|poses? for a (?:photo|picture))\b",
    r"(?<![\w)])\((?:l|r|c|left|right|center|centre|l-r|r-l|from left)\)",
    r"^(?:media )?caption",
    r",\s(?:left|right|center|centre|second from (?:left|right)|top|bottom|front|rear),",
    r"\((?:left|right|center|centre|top|bottom|l\.|r\.|m\.|links|rechts|izq\.?|izquierda|dcha\.?|derecha|"
    r"centro|(?:à )?gauche|(?:à )?droite)(?: im bild)?\)",
    r"\b(?:hide|toggle|expand) caption\b",
    r"\b(?:enlarge this image|click to enlarge|tap to (?:enlarge|expand)|zum vergr(?:ö|o)(?:ß|ss)ern)\b",
    r"\bmedia playback is (?:unsupported|not supported)\b",
    r"^(?:watch|video|galer(?:í|i)a|bildergalerie|gallery|fotostrecke)\s*:",
    r"\b\d+\s+(?:photos|fotos|bilder|images|im(?:á|a)genes)\b",
)

# Photo credits: "Photo: ...", "(Getty Images)", "Name/AGENCY", "© AFP" (the usual credit formats and photo agencies).
CREDIT_PHRASES = (
    r"^\(?(?:photos?|fotos?|images?|pictures?|pics?|credits?|bild(?:er)?|imagen(?:es)?|immagini?|illustrations?|graphics?|"
    r"grafik|videos?|foto(?:grafie|graf[ií]a)?|cr(?:é|e)dits? photo)(?:\s+(?:by|von|de|di|credit))?\s*[:|©]",
    r"^\(?(?:photo(?:graph)?|foto|image|picture|illustration)s? (?:by|courtesy|von|de|di)\b",
    r"\b(?:getty images?|getty|reuters|ap photo|afp|epa|dpa|shutterstock|istock(?:photo)?|unsplash|pexels|pixabay|"
    r"picture[- ]alliance|imago(?: images)?|keystone|xinhua|anadolu|efe|ansa|sipa|abaca|zuma(?: press)?|alamy|"
    r"adobe ?stock|bloomberg|corbis|kcna|handout)(?:\.com)?\b[^.!?]{0,40}$",
    r"(?:^|\s)/\s*(?:ap|afp|reuters|getty images|getty|epa|dpa|ansa|efe|xinhua|imago|picture alliance|associated press)\b",
    r"\bcourtesy (?:of|photo)\b",
    r"(?:(?<=[.!?\"”])|(?<=[.!?\"”]\s))©\s*(?![^©]*\b(?:19|20)\d\d\b)[^\s©\d][^©]{0,40}$",
    r"^(?-i:(?:[A-Z][\w.'’\-]+\s+){1,3}[A-Z][\w.'’\-]+ for (?:[Tt]he\s+)?(?:[A-Z][\w&'’.\-]+\s+){0,3}"
    r"|[A-Z][\w.'’\-]+ for (?:[Tt]he\s+)?(?:[A-Z][\w&'’.\-]+\s+){1,3})"
    r"(?-i:Magazine|Times|News|Post|Journal|Review|Guardian|Herald|Tribune|Telegraph|Chronicle|Gazette|Observer|"
    r"Independent|Monitor|Standard|Mail|Daily|Weekly|Atlantic|Economist|NPR|BBC|CNN|Wired|Bloomberg)$",
    r"^(?!.*://)(?=.{12,}).*\S\s*/\s*(?-i:[A-Z][A-Z.&'\- ]{2,})\s*\)?$",
    r"\b(?:photo|foto|image) (?:illustration )?by\b",
    r"^©\s*\S",
    r"\(©[^)]*\)$",
    r"credits?:\s*\S",
    r"^credits?\s*(?:\.{2,}|…)\s*\S",
    r"\bcr(?:é|e)ditos?\s*:\s*\S",
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_]\s))©\s*(?![^©]*\b(?:19|20)\d\d\b)(?-i:[A-Z][\w.'’/\-]+)(?:\s+(?-i:[A-Z][\w.'’/\-]+)){0,3}$",
    r"\b(?:photos?|fotos?|images?|bild(?:er)?|pictures?)\s*(?:©|\(c\))\s*\S",
    r"^(?:image|photo|picture|bild|foto) (?:copyright|source|quelle)\b",
    r"\((?:ap|afp|reuters|getty|getty images|dpa|epa|ansa|efe|file)\)\.?$",
    r"^[A-ZÀ-Ý][\w.'’\-]+(?:\s+[A-ZÀ-Ý][\w.'’\-]+){0,3},\s*(?:AP|AFP|Reuters|Getty Images|EPA|dpa|Shutterstock)$",
    r"\(\s*[^()]{2,40}/\s*(?:associated press|the associated press|ap|afp|reuters|getty images|getty)\s*\)$",
    r"\b(?:photo|foto|bild|image|imagen)\s*:\s*\S",
)

# One-word menu, share and UI labels, counted only in short paragraphs made of them (menus, share bars, footers).
NAVIGATION_WORDS = (
    r"home|homepage|startseite|inicio|accueil|in(?:í|i)cio|menu|men(?:ü|u)|search|suche|buscar|rechercher|pesquisar|cerca|"
    r"share|teilen|compartir|partager|compartilhar|condividi|tweet|facebook|twitter|whatsapp|linkedin|pinterest|reddit|"
    r"telegram|instagram|youtube|tiktok|xing|flipboard|pocket|e-?mail|mail|print|drucken|imprimir|imprimer|stampa|"
    r"copy|link|rss|feed|contact|kontakt|contacto|contato|about|impressum|imprint|datenschutz|privacy|terms|sitemap|"
    r"help|hilfe|ayuda|aide|faq|jobs|careers|karriere|newsroom|archive|archiv|archivo|next|previous|prev|back|zur(?:ü|u)ck|"
    r"weiter|more|mehr|m(?:á|a)s|plus|close|schlie(?:ß|ss)en|cerrar|fermer|open|top|up|video|videos|audio|podcast|podcasts|"
    r"news|sport|sports|business|politics|opinion|culture|lifestyle|tech|technology|science|health|travel|entertainment|"
    r"world|local|weather|wetter|events|login|register|tags?|topics?|themen|categories|kategorien|sections?|"
    r"a\+|a-|a|font|size|text|zoom|save|bookmark|merken|listen|comments?|skip|toggle|navigation|english|deutsch|espa(?:ñ|n)ol|"
    r"fran(?:ç|c)ais|portugu(?:ê|e)s|italiano|language|sprache|idioma",
)

# Menus, share bars, footers, tags, cookie notices and UI text (en, de, es, fr, pt, it, nl).
NAVIGATION_PHRASES = (
    r"\bskip to (?:main |the )?(?:content|navigation|section|search|footer)\b",
    r"\b(?:main|site|primary) (?:menu|navigation)\b",
    r"\btoggle (?:navigation|menu|search)\b",
    r"\bback to top\b",
    r"\b(?:share|teilen|compartir|partager|compartilhe|condividi)\b.{0,40}\b(?:facebook|twitter|whatsapp|e-?mail|linkedin)\b",
    r"^(?:share|teilen|compartir|partager|compartilhe|condividi)(?: (?:this|on|via|the|article|story|post|artikel|en|sur|no|em))*\b",
    r"\b(?:copy|copied) (?:link|url)\b",
    r"\b(?:privacy|cookie) (?:policy|notice|settings|preferences|statement)\b",
    r"\bterms (?:of (?:use|service)|(?:and|&) conditions)\b",
    r"\b(?:contact us|about us|advertise with us|work with us|site ?map|accessibility)\b",
    r"^(?:impressum|datenschutz(?:erkl(?:ä|a)rung)?|nutzungsbedingungen|agb|barrierefreiheit|mediadaten)\b",
    r"\b(?:aviso legal|pol(?:í|i)tica de (?:privacidad|privacidade|cookies)|mentions l(?:é|e)gales|"
    r"politique de confidentialit(?:é|e)|termos de uso|fale conosco|quem somos|qui(?:é|e)nes somos)\b",
    r"\b(?:we|this (?:web)?site|diese (?:web)?seite|wir) (?:use|uses|verwenden|nutzen|setzen) cookies\b",
    r"\bcookies?\b.{0,60}\b(?:accept|consent|akzeptieren|zustimmen|aceptar|accepter|aceitar)\b",
    r"\b(?:accept|akzeptieren|aceptar|accepter|aceitar)\b.{0,30}\bcookies?\b",
    r"^(?:i accept|accept all|alle akzeptieren|aceptar todo|tout accepter|ok(?:ay)?,? (?:i )?(?:got it|agree))$",
    r"\b(?:utilizamos|usamos|nous utilisons des) cookies\b",
    r"^(?:tags?|topics?|schlagw(?:ö|o)rter|stichw(?:ö|o)rter|themen|etiquetas|temas|mots-cl(?:é|e)s|categor(?:y|ies|ie|(?:í|i)as?)|"
    r"kategorien?|filed under|posted in|rubriken?)\s*:",
    r"\b(?:font|text) (?:size|change|gr(?:ö|o)(?:ß|ss)e)\b",
    r"\b(?:print|drucken|imprimir|imprimer) (?:this )?(?:article|page|artikel|seite|art(?:í|i)culo|p(?:á|a)gina)?\s*$",
    r"\b(?:load|show|view|see) (?:more|all)\b",
    r"^(?:learn more|saiba mais|mehr erfahren|m(?:á|a)s informaci(?:ó|o)n|en savoir plus|scopri di pi(?:ù|u))\W*$",
    r"\b(?:follow us|folgen sie uns|s(?:í|i)guenos|suivez-nous|siga-nos)\b",
    r"\b(?:download (?:the|our) app|get the app|app herunterladen)\b",
    r"\b(?:enable|activate|aktivieren sie) javascript\b",
    r"\b(?:your browser|ihr browser|tu navegador)\b",
    r"^(?:page|seite|p(?:á|a)gina)\s+\d+(?:\s+(?:of|von|de)\s+\d+)?$",
    r"^(?!\|)(?:[^|·•»›]{1,30}\s[|·•»›]\s){2,}[^|·•»›]{1,30}$",
)


# --------------------------------------------------------------------------- matching the tables fast
#
# A table is matched as one alternation of its entries, exactly as ``re`` would match
# ``"|".join(entries)``; but Python's ``re`` tries every alternative at every position, so a
# big table costs about a microsecond per character searched. Each entry therefore gets a
# pre-check derived from its own regular expression: a set of literal words or strings one
# of which every match must contain (found by walking the parsed pattern). Only the entries
# whose pre-check passes are compiled (once per combination) and run. The pre-check is
# conservative: an entry whose pattern yields nothing certain is always run.

_WORD_RUN = re.compile(r"[^\W_]+")
_DIGIT = re.compile(r"\d")
# Without a text's word list, a pre-check of more words than this is taken as passed.
_SUBSTRING_WORDS = 8
# Most alternative strings one piece of a pattern is expanded into before it is cut.
_EXPANSIONS = 64
# Atoms of a pre-check: ("w", word) the text has this word; ("s", text) it contains this text;
# ("d", "") it has a digit.
_Atom = tuple[str, str]


def text_words(low: str) -> frozenset[str]:
    """The words (runs of letters and digits) of a lower-cased text, for :meth:`PhraseTable.narrow`."""
    return frozenset(_WORD_RUN.findall(low))


class PhraseTable:
    """A compiled phrase table: the alternation of its entries, with a fast pre-check.

    ``pattern`` is ``"|".join(entries)`` compiled (case-insensitive unless told); for a
    text, :meth:`narrow` returns an equivalent pattern made of only the entries that can
    match it (or None when none can), so that ``narrow(...).search(text)`` gives what
    ``pattern.search(text)`` gives, at a fraction of the cost.
    """

    __slots__ = (
        "_always", "_compiled", "_digit", "_lead", "_lead_any", "_lead_by3", "_lead_short",
        "_lead_needs", "_lead_plain", "_lead_plain_pattern", "_lead_scan", "_needs", "_rest", "_subs", "_word_set",
        "_words", "patterns",
        "entries", "flags", "pattern",
    )

    def __init__(self, table: tuple[str, ...], *, ignore_case: bool = True) -> None:
        self.entries = table
        self.flags = re.IGNORECASE if ignore_case else 0
        self.pattern = re.compile("|".join(f"(?:{e})" for e in table), self.flags)
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        words: dict[str, list[int]] = {}
        subs: dict[str, list[int]] = {}
        digit: list[int] = []
        always: list[int] = []
        lead: dict[str, list[int]] = {}
        lead_any: list[int] = []
        needs: list[tuple[frozenset[_Atom], ...]] = []
        rest: list[tuple] = []  # the needs an entry found through its index still has to pass
        scans: list[bool] = []
        for k, entry in enumerate(table):
            parsed = _flat(list(_parser.parse(entry, self.flags).data))
            starts = _lead(parsed)
            scans.append(_scans(parsed))
            if starts is None:
                lead_any.append(k)
            else:
                for x in starts:
                    lead.setdefault(x, []).append(k)
            found = _needs(parsed)
            needs.append(tuple(found))
            if not found:
                rest.append(())
                always.append(k)
                continue
            # Index each entry by its cheapest test (words, then a digit, then substrings).
            first = min(found, key=_cost)
            rest.append(tuple(_check(n) for n in found if n is not first))
            if _cost(first) == 0:
                for _, w in first:
                    words.setdefault(w, []).append(k)
            elif _cost(first) == 1:
                digit.append(k)
            else:
                for _, v in first:
                    subs.setdefault(v, []).append(k)
        self._words = {w: tuple(ks) for w, ks in words.items()}
        self._word_set = frozenset(self._words)
        self._subs = tuple((v, tuple(ks)) for v, ks in subs.items())
        self._digit = tuple(digit)
        self._always = tuple(always)
        self._lead = {x: tuple(ks) for x, ks in lead.items()}
        self._lead_any = tuple(lead_any)
        by3: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for x, ks in self._lead.items():
            if len(x) >= 3:
                by3.setdefault(x[:3], []).append((x, ks))
        self._lead_by3 = {k: tuple(v) for k, v in by3.items()}
        self._lead_short = tuple((x, ks) for x, ks in self._lead.items() if len(x) < 3)
        self._needs = tuple(tuple(_check(n) for n in ns) for ns in needs)
        self._rest = tuple(rest)
        # At the start of a text, an entry is tried as it is (an anchored try fails fast) unless it may scan.
        self._lead_needs = tuple(n if scan else () for n, scan in zip(self._needs, scans))
        self._lead_plain = tuple(k for k in self._lead_any if not self._lead_needs[k])
        self._lead_scan = tuple(k for k in self._lead_any if self._lead_needs[k])
        # those tried together at the start of every text: one alternation, compiled once
        self._lead_plain_pattern = self._pattern(self._lead_plain) if len(self._lead_plain) > 1 else None
        #: Each entry compiled on its own.
        self.patterns = tuple(re.compile(e, self.flags) for e in table)

    def search(self, text: str, low: str | None = None, words: frozenset[str] | None = None) -> re.Match[str] | None:
        """What ``pattern.search(text)`` finds (``low``/``words`` as for :meth:`candidates`, computed if None)."""
        low = text.lower() if low is None else low
        return self.first(self.candidates(low, words), text)

    def match(self, text: str, low: str | None = None, words: frozenset[str] | None = None) -> re.Match[str] | None:
        """What ``pattern.match(text)`` finds."""
        low = text.lower() if low is None else low
        return self.first(self.candidates(low, words, leading=True), text, leading=True)

    def first(self, ks: Sequence[int], text: str, *, leading: bool = False) -> re.Match[str] | None:
        """The match the alternation of entries ``ks`` (increasing) finds: the leftmost, and there the first entry's."""
        if leading and ks is self._lead_plain and self._lead_plain_pattern is not None:
            return self._lead_plain_pattern.match(text)
        best: re.Match[str] | None = None
        for k in ks:
            m = self.patterns[k].match(text) if leading else self.patterns[k].search(text)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
                if m.start() == 0:
                    break
        return best

    def candidates(self, low: str, words: frozenset[str] | None = None, *, leading: bool = False) -> tuple[int, ...]:
        """Indexes of the entries that may match a text.

        ``low`` is the text lower-cased, ``words`` its :func:`text_words` (None: test
        words as substrings of ``low``, which costs less than finding the words of a
        long text). With ``leading``, only entries that may match at the start of the text.
        """
        if leading:
            found = set(self._lead_any)
            for x, ks in (*self._lead_short, *self._lead_by3.get(low[:3], ())):
                if low.startswith(x):
                    found.update(ks)
            needs = self._lead_needs
            return tuple(k for k in sorted(found) if not needs[k] or _passes(needs[k], low, words))
        found = _prechecked(self, low, words)
        if not found:
            return ()
        return tuple(k for k in sorted(found) if not self._rest[k] or _passes(self._rest[k], low, words))

    def narrow(self, low: str, words: frozenset[str] | None = None, *, leading: bool = False) -> re.Pattern[str] | None:
        """The alternation of the entries that may match this text, or None (see the class docstring)."""
        ks = self.candidates(low, words, leading=leading)
        return self._pattern(ks) if ks else None

    def _pattern(self, ks: tuple[int, ...]) -> re.Pattern[str]:
        pattern = self._compiled.get(ks)
        if pattern is None:
            if len(self._compiled) >= 4096:
                self._compiled.clear()
            pattern = self._compiled[ks] = re.compile("|".join(f"(?:{self.entries[k]})" for k in ks), self.flags)
        return pattern


class PhraseRules:
    """Several :class:`PhraseTable` s pre-checked together: one look at a text's words for all of them."""

    __slots__ = (
        "_always", "_digit", "_lead", "_lead_any", "_lead_by3", "_lead_short", "_subs", "_word_set", "_words",
        "tables",
    )

    def __init__(self, tables: Sequence[PhraseTable]) -> None:
        self.tables = tuple(tables)
        words: dict[str, list[tuple[int, int]]] = {}
        subs: dict[str, list[tuple[int, int]]] = {}
        lead: dict[str, list[tuple[int, int]]] = {}
        digit: list[tuple[int, int]] = []
        always: list[tuple[int, int]] = []
        lead_any: list[tuple[int, int]] = []
        for t, table in enumerate(self.tables):
            for w, ks in table._words.items():
                words.setdefault(w, []).extend((t, k) for k in ks)
            for v, ks in table._subs:
                subs.setdefault(v, []).extend((t, k) for k in ks)
            for x, ks in table._lead.items():
                lead.setdefault(x, []).extend((t, k) for k in ks)
            digit.extend((t, k) for k in table._digit)
            always.extend((t, k) for k in table._always)
            lead_any.extend((t, k) for k in table._lead_any)
        self._words = {w: tuple(v) for w, v in words.items()}
        self._word_set = frozenset(self._words)
        self._subs = tuple((v, tuple(ks)) for v, ks in subs.items())
        self._lead = {x: tuple(v) for x, v in lead.items()}
        self._lead_any = tuple(lead_any)
        # Leading strings by their first three characters (and the shorter ones apart), to find those of a text.
        by3: dict[str, list[tuple[str, tuple[tuple[int, int], ...]]]] = {}
        for x, tks in self._lead.items():
            if len(x) >= 3:
                by3.setdefault(x[:3], []).append((x, tks))
        self._lead_by3 = {k: tuple(v) for k, v in by3.items()}
        self._lead_short = tuple((x, tks) for x, tks in self._lead.items() if len(x) < 3)
        self._digit = tuple(digit)
        self._always = tuple(always)

    def candidates(
        self, low: str, words: frozenset[str] | None, *, leading: bool = False, tables: Collection[int] | None = None
    ) -> list[tuple[int, ...]]:
        """For each table (empty for those not in ``tables``), :meth:`PhraseTable.candidates` of a text."""
        if leading:
            return self._lead_candidates(low, words, range(len(self.tables)) if tables is None else tables)
        found: set[tuple[int, int]] = _prechecked(self, low, words)
        out: list[tuple[int, ...]] = [()] * len(self.tables)
        if not found:
            return out
        per: dict[int, list[int]] = {}
        for t, k in found:
            if tables is None or t in tables:
                per.setdefault(t, []).append(k)
        for t, ks in per.items():
            rest = self.tables[t]._rest
            out[t] = tuple(k for k in sorted(ks) if not rest[k] or _passes(rest[k], low, words))
        return out

    def _lead_candidates(self, low: str, words, tables: Collection[int]) -> list[tuple[int, ...]]:
        """:meth:`candidates` for a match at the start of the text."""
        out: list[tuple[int, ...]] = [()] * len(self.tables)
        extra: dict[int, list[int]] = {}
        for x, tks in self._lead_short:
            if low.startswith(x):
                for t, k in tks:
                    extra.setdefault(t, []).append(k)
        for x, tks in self._lead_by3.get(low[:3], ()):
            if low.startswith(x):
                for t, k in tks:
                    extra.setdefault(t, []).append(k)
        for t in tables:
            table = self.tables[t]
            ks = table._lead_plain
            added = [k for k in table._lead_scan if _passes(table._needs[k], low, words)]  # those may scan far
            more = extra.get(t)
            if more:
                needs = table._lead_needs
                added.extend(k for k in more if not needs[k] or _passes(needs[k], low, words))
            out[t] = tuple(sorted({*ks, *added})) if added else ks
        return out


def _prechecked(index: PhraseTable | PhraseRules, low: str, words: frozenset[str] | None) -> set:
    """The entries whose pre-check this text passes (entries are ``k`` or ``(table, k)``).

    ``index`` holds the pre-check as both classes build it: entries always tried, entries
    keyed by a word the text must contain (looked up in ``words`` when given, else as
    substrings), by a substring, or by a digit.
    """
    found = set(index._always)
    if words is None:
        for w, ks in index._words.items():
            if w in low:
                found.update(ks)
    else:
        for w in words & index._word_set:
            found.update(index._words[w])
    for v, ks in index._subs:
        if v in low:
            found.update(ks)
    if index._digit and _DIGIT.search(low):
        found.update(index._digit)
    return found


def compile_table(table: tuple[str, ...], *, ignore_case: bool = True) -> PhraseTable:
    """One :class:`PhraseTable` that matches any entry of ``table`` (case-insensitive unless told)."""
    return PhraseTable(table, ignore_case=ignore_case)


# ---- the pre-check: what every match of a parsed pattern must contain

from re import _constants as _C  # noqa: E402
from re import _parser  # noqa: E402

_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT)
_STARTS = (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING, _C.AT_BOUNDARY)
_ENDS = (_C.AT_END, _C.AT_END_STRING, _C.AT_BOUNDARY)
_NONWORD_CATEGORIES = (_C.CATEGORY_SPACE, _C.CATEGORY_NOT_WORD)


def _flat(items: list) -> list:
    """The items of a pattern with its groups opened (a group matches what its items match, in turn)."""
    out = []
    for op, av in items:
        if op is _C.SUBPATTERN:
            out.extend(_flat(list(av[3].data)))
        else:
            out.append((op, av))
    return out


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _finite(items: list) -> set[str] | None:
    """Every string (lower-cased) a piece of pattern can match, if they are few; else None."""
    out = {""}
    for op, av in items:
        if op is _C.AT:
            continue  # zero-width
        if op is _C.LITERAL:
            opts = {chr(av).lower()}
        elif op is _C.IN:
            if any(o is not _C.LITERAL for o, _ in av):
                return None
            opts = {chr(a).lower() for _, a in av}
        elif op is _C.SUBPATTERN:
            opts = _finite(list(av[3].data))
        elif op is _C.BRANCH:
            opts = set()
            for alt in av[1]:
                f = _finite(list(alt.data))
                if f is None:
                    return None
                opts |= f
        elif op in _REPEATS:
            lo, hi, item = av
            f = _finite(list(item.data))
            if f is None or hi > 3:
                return None
            opts = {""} if lo == 0 else set()
            power = {""}
            for n in range(1, hi + 1):
                power = {x + y for x in power for y in f}
                if len(power) > _EXPANSIONS:
                    return None
                if n >= lo:
                    opts |= power
        else:
            return None
        if opts is None:
            return None
        out = {x + y for x in out for y in opts}
        if len(out) > _EXPANSIONS:
            return None
    return out


def _only_nonword(op, av) -> bool:
    """Whether an item consumes only characters that are not word characters."""
    if op is _C.LITERAL:
        return not _is_word_char(chr(av))
    if op is _C.CATEGORY:
        return av in _NONWORD_CATEGORIES
    if op is _C.IN:
        if av and av[0][0] is _C.NEGATE:
            return len(av) == 2 and av[1] == (_C.CATEGORY, _C.CATEGORY_WORD)
        return all(
            (o is _C.LITERAL and not _is_word_char(chr(a))) or (o is _C.CATEGORY and a in _NONWORD_CATEGORIES)
            for o, a in av
        )
    return False


def _edge(op, av, last: bool) -> tuple[bool, bool]:
    """(may match nothing, its last (or first) character is surely not a word character) for one item."""
    if op in (_C.LITERAL, _C.IN, _C.CATEGORY):
        return False, _only_nonword(op, av)
    if op is _C.SUBPATTERN:
        return _seq_edge(list(av[3].data), last)
    if op is _C.BRANCH:
        edges = [_seq_edge(list(alt.data), last) for alt in av[1]]
        return any(e for e, _ in edges), all(nw for _, nw in edges)
    if op in _REPEATS:
        empty, nw = _seq_edge(list(av[2].data), last)
        return av[0] == 0 or empty, nw
    if op in (_C.ASSERT, _C.ASSERT_NOT):
        return True, True  # zero-width
    return False, False


def _seq_edge(items: list, last: bool) -> tuple[bool, bool]:
    """_edge for a sequence of items: the characters at its end (``last``) or its start."""
    for op, av in reversed(items) if last else items:
        if op is _C.AT:
            if av in (_STARTS if last else _ENDS):
                return False, True
            continue
        empty, nw = _edge(op, av, last)
        if not nw:
            return False, False
        if not empty:
            return False, True
    return True, True


def _bounded_before(items: list, k: int, outer: bool) -> bool:
    """Whether a word starting at item ``k`` surely starts a word of the text (is not glued to one before)."""
    empty, nw = _seq_edge(items[:k], True)
    return nw and (not empty or outer)


def _bounded_after(items: list, k: int, outer: bool) -> bool:
    """Whether a word ending before item ``k`` surely ends a word of the text."""
    empty, nw = _seq_edge(items[k:], False)
    return nw and (not empty or outer)


def _atom(s: str, left: bool, right: bool) -> _Atom:
    """The most telling atom of a literal string: its longest complete word, else the string itself."""
    best = ""
    k = 0
    while k < len(s):
        if not _is_word_char(s[k]):
            k += 1
            continue
        j = k
        while j < len(s) and _is_word_char(s[j]):
            j += 1
        if (k > 0 or left) and (j < len(s) or right) and "_" not in s[k:j] and len(s[k:j]) > len(best):
            best = s[k:j]
        k = j
    return ("w", best) if best else ("s", s)


def _score(atoms: frozenset[_Atom]) -> float:
    """How selective a pre-check is: its weakest atom's length (words count a little more)."""
    return min(0.5 if kind == "d" else len(v) + (2 if kind == "w" else 0) for kind, v in atoms) - 0.001 * len(atoms)


def _cost(atoms: frozenset[_Atom]) -> int:
    """How a set of atoms is tested: 0 all words (a set intersection), 1 a digit, 2 substring searches."""
    kinds = {kind for kind, _ in atoms}
    return 0 if kinds == {"w"} else 1 if kinds == {"d"} else 2


def _check(atoms: frozenset[_Atom]) -> tuple[frozenset[str], tuple[str, ...], bool]:
    """A set of atoms as (its words, its substrings, whether a digit will do), for :func:`_passes`."""
    return (
        frozenset(v for kind, v in atoms if kind == "w"),
        tuple(sorted(v for kind, v in atoms if kind == "s")),
        any(kind == "d" for kind, _ in atoms),
    )


def _passes(checks, low: str, words: frozenset[str] | None) -> bool:
    """Whether a text passes every set of atoms (a word is looked for as a substring when ``words`` is None)."""
    for ws, subs, digit in checks:
        if ws:
            if words is not None:
                if not ws.isdisjoint(words):
                    continue
            elif len(ws) > _SUBSTRING_WORDS or any(w in low for w in ws):
                continue  # without a word list, a long list of words is not worth looking up one by one
        if subs and any(v in low for v in subs):
            continue
        if digit and _DIGIT.search(low):
            continue
        return False
    return True


def _needs(items: list) -> list[frozenset[_Atom]]:
    """The three most selective sets of atoms that every match of a pattern must hit (one atom of each)."""
    found: list[frozenset[_Atom]] = []
    _collect(items, False, False, found)
    return sorted(set(found), key=_score, reverse=True)[:3]


def _collect(items: list, outer_left: bool, outer_right: bool, found: list[frozenset[_Atom]]) -> None:
    """Add to ``found`` sets of atoms one of which every match of ``items`` contains."""
    k = 0
    while k < len(items):
        start = k
        run: set[str] = {""}
        while k < len(items):  # a run of items that expand to few strings
            if items[k][0] is _C.AT:
                if run != {""}:
                    break
                k += 1
                start = k
                continue
            f = _finite([items[k]])
            if f is None:
                break
            grown = {x + y for x in run for y in f}
            if len(grown) > _EXPANSIONS:
                break
            run = grown
            k += 1
        if k > start and "" not in run:
            left = _bounded_before(items, start, outer_left)
            right = _bounded_after(items, k, outer_right)
            found.append(frozenset(_atom(s, left, right) for s in run))
        if k > start or k >= len(items):
            continue
        op, av = items[k]
        left = _bounded_before(items, k, outer_left)
        right = _bounded_after(items, k + 1, outer_right)
        if op is _C.SUBPATTERN:
            _collect(list(av[3].data), left, right, found)
        elif op is _C.BRANCH:
            alts = [_best_in(list(alt.data), left, right) for alt in av[1]]
            if all(alts):
                found.append(frozenset().union(*alts))
        elif op in _REPEATS and av[0] >= 1:
            _collect(list(av[2].data), False, False, found)
        elif op is _C.ASSERT and av[0] == 1:  # a lookahead's text is in the document too
            _collect(list(av[1].data), False, False, found)
        elif (op is _C.IN and av == [(_C.CATEGORY, _C.CATEGORY_DIGIT)]) or (op is _C.CATEGORY and av is _C.CATEGORY_DIGIT):
            found.append(frozenset({("d", "")}))
        k += 1


def _best_in(items: list, left: bool, right: bool) -> frozenset[_Atom] | None:
    found: list[frozenset[_Atom]] = []
    _collect(items, left, right, found)
    return max(found, key=_score) if found else None


def _zero_width(op, av) -> bool:
    """An item that consumes nothing: an anchor, a lookaround, or alternatives of those."""
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return True
    return op is _C.BRANCH and all(all(_zero_width(o, a) for o, a in alt.data) for alt in av[1])


def _lead(items: list) -> tuple[str, ...] | None:
    """Strings (lower-cased) one of which a match at the start of a text begins with, or None."""
    k = 0
    while k < len(items) and _zero_width(*items[k]):
        k += 1
    run: set[str] = {""}
    while k < len(items):
        if _zero_width(*items[k]):
            break
        f = _finite([items[k]])
        if f is None:
            break
        grown = {x + y for x in run for y in f}
        if len(grown) > _EXPANSIONS:
            break
        run = grown
        k += 1
    if "" in run:
        return None
    return tuple(sorted(run))


def _scans(items: list) -> bool:
    """Whether trying the pattern at one position may scan far: it opens (past anchors, and in
    lookarounds) with a long repeat of anything but a few characters (``.*``, ``[^|]{1,30}``)."""
    for op, av in items:
        if op in (_C.ASSERT, _C.ASSERT_NOT):
            if _scans(list(av[1].data)):
                return True
            continue
        if op is _C.AT:
            continue
        if op is _C.BRANCH:
            return any(_scans(list(alt.data)) for alt in av[1])
        if op is _C.SUBPATTERN:
            return _scans(list(av[3].data))
        if op in _REPEATS:
            item = list(av[2].data)
            return (av[1] > 3 and _opens_wide(item)) or _scans(item)
        return False
    return False


def _opens_wide(items: list) -> bool:
    """Whether a pattern's first character may be almost anything (``.``, ``[^x]``, ``\\S``, ``\\W``)."""
    for op, av in items:
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue
        if op is _C.ANY or op is _C.NOT_LITERAL:
            return True
        if op is _C.IN:
            return bool(av) and (av[0][0] is _C.NEGATE or any(
                o is _C.CATEGORY and a in (_C.CATEGORY_NOT_SPACE, _C.CATEGORY_NOT_WORD, _C.CATEGORY_NOT_DIGIT) for o, a in av))
        if op is _C.CATEGORY:
            return av in (_C.CATEGORY_NOT_SPACE, _C.CATEGORY_NOT_WORD, _C.CATEGORY_NOT_DIGIT)
        if op is _C.SUBPATTERN:
            return _opens_wide(list(av[3].data))
        if op is _C.BRANCH:
            return any(_opens_wide(list(alt.data)) for alt in av[1])
        if op in _REPEATS:
            return _opens_wide(list(av[2].data))
        return False
    return False
