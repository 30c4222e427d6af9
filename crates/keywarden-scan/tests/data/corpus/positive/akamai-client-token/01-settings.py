token = "akab-pgwcw56kniw8we62-xb27sk9edhileiip"
