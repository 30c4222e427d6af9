value = "https://discord.com/api/webhooks/772314738924368481/k9QQEY9x80RMpcHOmwfsrAKa0Ar8oBO6EcJ5MaIybbI3sBuye3mhysgccZyu8ngSMPnc"
