        self.nextTokenState = ATNState.INVALID_STATE_NUMBER
