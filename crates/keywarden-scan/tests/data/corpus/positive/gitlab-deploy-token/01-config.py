value = "gldt-k9QeO55GncdvcTmPMotk"
