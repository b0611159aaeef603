"""The Scrapy project: settings, spiders, middlewares and the source registry loader."""
