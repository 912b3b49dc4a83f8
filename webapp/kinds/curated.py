"""Our own list of previewers, scanners and bots that the catalogues miss or file under a
too-broad category (Matomo files Slackbot as "Crawler", Skype's and Discord's previews as
"Service Agent"). Checked before the catalogues; first match wins, so the specific come
before the general. Each entry says where its agent is documented."""

import re

from webapp.kinds.kinds import BOT, PREVIEW, SCANNER

_ENTRIES = [
    # Apple Messages' link preview appends this trio to a Safari agent and fetches from the
    # sender's own address (peter.upfold.org.uk/blog/2019/02 logs one).
    (r"facebookexternalhit/1\.1 Facebot Twitterbot/1\.0", PREVIEW,
     "iMessage link preview (Apple)"),
    # developers.facebook.com/docs/sharing/webmasters/web-crawlers
    (r"facebookexternalhit|\bFacebot\b|meta-externalfetcher", PREVIEW,
     "Facebook/Meta link preview (facebookexternalhit)"),
    # linkedin.com/help/linkedin/answer/a521928 (Making your website shareable on LinkedIn)
    (r"LinkedInBot", PREVIEW, "LinkedIn link preview (LinkedInBot)"),
    # api.slack.com/robots: Slackbot-LinkExpanding unfurls links, Slack-ImgProxy fetches images
    (r"Slackbot-LinkExpanding|Slack-ImgProxy|Slackbot", PREVIEW, "Slack link preview (Slackbot)"),
    # developer.x.com cards guide: "Twitterbot" fetches cards when a link is posted
    (r"Twitterbot", PREVIEW, "X/Twitter link preview (Twitterbot)"),
    # faq.whatsapp.com link previews; agent quoted in JayBizzle/Crawler-Detect social.txt
    (r"^WhatsApp/", PREVIEW, "WhatsApp link preview"),
    # core.telegram.org (link previews); agent in Crawler-Detect social.txt
    (r"TelegramBot", PREVIEW, "Telegram link preview (TelegramBot)"),
    # Crawler-Detect social.txt
    (r"Discordbot", PREVIEW, "Discord link preview (Discordbot)"),
    # Skype's and Microsoft Teams' unfurling send SkypeUriPreview (Crawler-Detect social.txt)
    (r"SkypeUriPreview", PREVIEW, "Skype/Teams link preview (SkypeUriPreview)"),
    # aka.ms/MicrosoftPreview: Teams, Outlook and Bing link previews
    (r"MicrosoftPreview", PREVIEW, "Microsoft link preview (Teams/Outlook)"),
    # bing.com/webmasters/help/which-crawlers-does-bing-use: BingPreview makes page snapshots
    # shown by Bing and Outlook.com
    (r"BingPreview", PREVIEW, "Bing/Outlook page preview (BingPreview)"),
    # Office apps fetch a link themselves before handing it to the browser: Microsoft's
    # "Description of the Microsoft Office Existence Discovery Protocol" (Office developer
    # blog, 2008); webmasters.stackexchange.com/questions/71112 logs Protocol Discovery, an
    # "ms-office" prefetch, then the browser's own request.
    (r"Microsoft Office Existence Discovery|Microsoft Office Protocol Discovery|\bms-office\b"
     r"|^Microsoft Office/", PREVIEW, "Microsoft Office looked the link up before opening it"),
    # developers.google.com/search/docs/crawling-indexing: Gmail's image proxy
    (r"GoogleImageProxy", PREVIEW, "Gmail image proxy (GoogleImageProxy)"),
    # Matomo's catalogue lists Google-Safety (Gmail and Safe Browsing link checks)
    (r"Google-Safety", SCANNER, "Google link safety check (Google-Safety)"),
    # Mail gateways that name themselves: Barracuda (Matomo: "Barracuda Sentinel"), Mimecast
    # URL Protect and Proofpoint URL Defense (vendors' URL-rewriting docs)
    (r"Barracuda", SCANNER, "Barracuda mail security check"),
    (r"Mimecast", SCANNER, "Mimecast mail security check"),
    (r"Proofpoint", SCANNER, "Proofpoint mail security check"),
    # Other link previews in Crawler-Detect's social.txt that Matomo files elsewhere
    (r"Snap URL Preview|Chatwork LinkPreview|Viber Url Downloader|Iframely|Embedly|redditbot"
     r"|Pinterest/0\.|Pinterestbot|vkShare|Mattermost|\(Zoom\.(?:Mac|Win)|Synapse \(bot"
     r"|WebsiteMetadataRetriever|Quora Link Preview|Yahoo Link Preview|XING-contenttabreceiver"
     r"|EvernoteRichLinkBot|BeeperBot|BlueskyPreviewBot|Mastodon/|Orlo-LinkPreview"
     r"|LinkPreview|UnfurlBot", PREVIEW,
     "link preview in a chat or social app"),
    # developers.google.com/crawling/docs/crawlers-fetchers/google-agent (Crawler-Detect
    # ai-user.txt): Google's browsing agents
    (r"GoogleAgent-|Google-Agent", BOT, "AI agent browsing for its user (Google)"),
    # Crawler-Detect headless.txt: automated browsers
    (r"HeadlessChrome|HeadlessEdg|PhantomJS|Puppeteer|Playwright|Selenium|Prerender"
     r"|wkhtmlto|Ghost Inspector", BOT, "headless (automated) browser ({})"),
    # Crawler-Detect http-library.txt: scripts
    (r"^(?:python-requests|python-httpx|python-urllib3|Python-urllib|curl|Wget|Go-http-client"
     r"|okhttp|axios|node-fetch|undici|Java/|Apache-HttpClient|libwww-perl|PostmanRuntime"
     r"|HTTPie|Dart/|GuzzleHttp|aiohttp|Ruby|Faraday)", BOT, "script or HTTP library ({})"),
]

_COMPILED = [(re.compile(pattern, re.IGNORECASE), kind, reason)
             for pattern, kind, reason in _ENTRIES]


def curated_verdict(agent: str) -> tuple[str, str] | None:
    """(kind, reason) of the first curated entry the agent matches, else None."""
    for pattern, kind, reason in _COMPILED:
        if found := pattern.search(agent):
            return kind, reason.format(found.group(0))
    return None
