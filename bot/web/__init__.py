"""The read-only dashboard (`taizhang web`): a town page, a county page and downloads.

Every figure on it comes from the report's own aggregation (bot.reports.source through
bot.storage.aggregate); this package only arranges it for a browser. Modules: app (routes,
server), auth (logins, signed sessions, the one place that decides who sees which town),
passwords (hashing), views (HTML pages), api (JSON for the charts and the drill-down),
downloads (draft, evidence, facts), dashboard (the figures of a page).
"""
