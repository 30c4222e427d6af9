value = "7qZ8Q~k9QRbHV1ziyY_ckSymzdqp3OVDmHc2z1J0"
