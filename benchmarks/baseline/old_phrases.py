"""Frozen copy of dedup/phrases.py as of commit 0ee8f05 (before the classify branch's rewrite).

Kept only so that benchmarks/align_speed.py can time the old implementation in the same run;
nothing in the package imports it.
"""

# ruff: noqa
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
"""


import re

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
    "compile_table",
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
    r"\((?:l|r|c|left|right|center|centre|l-r|r-l|from left)\)",
    r"^(?:media )?caption",
    r",\s(?:left|right|center|centre|second from (?:left|right)|top|bottom|front|rear),",
    r"\((?:left|right|center|centre|top|bottom|l\.|r\.|m\.|links|rechts|izq\.?|izquierda|dcha\.?|derecha|"
    r"centro|(?:à )?gauche|(?:à )?droite)\)",
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
    r"^\(?(?:photo|foto|image|picture|illustration)s? (?:by|courtesy|von|de|di)\b",
    r"\b(?:getty images?|getty|reuters|ap photo|afp|epa|dpa|shutterstock|istock(?:photo)?|unsplash|pexels|pixabay|"
    r"picture[- ]alliance|imago(?: images)?|keystone|xinhua|anadolu|efe|ansa|sipa|abaca|zuma(?: press)?|alamy|"
    r"adobe ?stock|bloomberg|corbis|kcna|handout)\b[^.!?]{0,40}$",
    r"(?:^|\s)/\s*(?:ap|afp|reuters|getty images|getty|epa|dpa|ansa|efe|xinhua|imago|picture alliance|associated press)\b",
    r"\bcourtesy (?:of|photo)\b",
    r"^(?!.*://)(?=.{12,}).*\S\s*/\s*(?-i:[A-Z][A-Z.&'\- ]{2,})\s*\)?$",
    r"\b(?:photo|foto|image) (?:illustration )?by\b",
    r"^©\s*\S",
    r"\(©[^)]*\)$",
    r"credits?:\s*\S",
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


def compile_table(table: tuple[str, ...], *, ignore_case: bool = True) -> re.Pattern[str]:
    """One pattern that matches any entry of ``table`` (case-insensitive unless told)."""
    return re.compile("|".join(f"(?:{entry})" for entry in table), re.IGNORECASE if ignore_case else 0)
