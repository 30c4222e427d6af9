value = "rubygems_ae31c2b41b63688a26d3"
