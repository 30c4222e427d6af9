RESEND_API_KEY = 're_7qZLAue5_7qZ06wcjVTtkkwdiQdv7txeF'
